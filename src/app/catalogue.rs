//! What staff curate: interviewers' accounts and listing, tags, testimonials and companies.
//! Each use case answers with an outcome the staff pages put into words.

use super::Services;
use crate::{
    db::staff::{self, CompanySaved, TestimonialInput},
    domain::{
        content::{
            MAX_AUTHOR, MAX_COMPANY_NAME, MAX_CONTEXT, MAX_QUOTE, MAX_TAG_NAME, display_order,
        },
        forms::{clean_line, clean_text},
    },
};

/// What a staff action did; the page says it in words (`done=`/`error=` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffOutcome {
    Done,
    /// The object in the path does not exist.
    NotFound,
    /// The form was not acceptable (the page explains the limits).
    Invalid,
}

pub async fn set_interviewer_active(
    services: &Services,
    interviewer_id: i64,
    active: bool,
) -> anyhow::Result<StaffOutcome> {
    let mut tx = services.pool.begin().await?;
    if !staff::set_interviewer_active(&mut tx, interviewer_id, active).await? {
        return Ok(StaffOutcome::NotFound);
    }
    tx.commit().await?;
    Ok(StaffOutcome::Done)
}

pub async fn update_listing(
    services: &Services,
    interviewer_id: i64,
    featured: bool,
    order: &str,
) -> anyhow::Result<StaffOutcome> {
    Ok(
        if staff::set_listing(
            &services.pool,
            interviewer_id,
            featured,
            display_order(order),
        )
        .await?
        {
            StaffOutcome::Done
        } else {
            StaffOutcome::NotFound
        },
    )
}

pub async fn rename_tag(
    services: &Services,
    tag_id: i64,
    name: &str,
) -> anyhow::Result<StaffOutcome> {
    let name = clean_line(name);
    if name.is_empty() || !MAX_TAG_NAME.allows(&name) {
        return Ok(StaffOutcome::Invalid);
    }
    Ok(if staff::rename_tag(&services.pool, tag_id, &name).await? {
        StaffOutcome::Done
    } else {
        StaffOutcome::NotFound
    })
}

/// Moves every use of `from` to `into`; `Invalid` unless they are two tags of one kind.
pub async fn merge_tags(services: &Services, from: i64, into: i64) -> anyhow::Result<StaffOutcome> {
    let mut tx = services.pool.begin().await?;
    if !staff::merge_tags(&mut tx, from, into).await? {
        return Ok(StaffOutcome::Invalid);
    }
    tx.commit().await?;
    Ok(StaffOutcome::Done)
}

/// A testimonial as the form posts it.
pub struct TestimonialForm<'a> {
    pub quote: &'a str,
    pub author: &'a str,
    pub context: &'a str,
    pub interviewer_id: Option<i64>,
    pub is_published: bool,
    pub display_order: &'a str,
}

/// Creates (`id` `None`) or updates a testimonial.
pub async fn save_testimonial(
    services: &Services,
    id: Option<i64>,
    form: &TestimonialForm<'_>,
) -> anyhow::Result<StaffOutcome> {
    let (quote, author, context) = (
        clean_text(form.quote),
        clean_text(form.author),
        clean_text(form.context),
    );
    let valid = !quote.is_empty()
        && MAX_QUOTE.allows(&quote)
        && !author.is_empty()
        && MAX_AUTHOR.allows(&author)
        && MAX_CONTEXT.allows(&context);
    if !valid {
        return Ok(StaffOutcome::Invalid);
    }
    let input = TestimonialInput {
        quote: &quote,
        author: &author,
        context: &context,
        interviewer_id: form.interviewer_id,
        is_published: form.is_published,
        display_order: display_order(form.display_order),
    };
    Ok(
        if staff::save_testimonial(&services.pool, id, &input).await? {
            StaffOutcome::Done
        } else {
            StaffOutcome::NotFound
        },
    )
}

pub async fn delete_testimonial(services: &Services, id: i64) -> anyhow::Result<StaffOutcome> {
    Ok(if staff::delete_testimonial(&services.pool, id).await? {
        StaffOutcome::Done
    } else {
        StaffOutcome::NotFound
    })
}

/// Creates (`id` `None`) or updates a company; a name another company has is `Invalid`.
pub async fn save_company(
    services: &Services,
    id: Option<i64>,
    name: &str,
    order: &str,
) -> anyhow::Result<StaffOutcome> {
    let name = clean_line(name);
    if name.is_empty() || !MAX_COMPANY_NAME.allows(&name) {
        return Ok(StaffOutcome::Invalid);
    }
    Ok(
        match staff::save_company(&services.pool, id, &name, display_order(order)).await? {
            CompanySaved::Saved => StaffOutcome::Done,
            CompanySaved::NotFound => StaffOutcome::NotFound,
            CompanySaved::NameTaken => StaffOutcome::Invalid,
        },
    )
}

pub async fn delete_company(services: &Services, id: i64) -> anyhow::Result<StaffOutcome> {
    Ok(if staff::delete_company(&services.pool, id).await? {
        StaffOutcome::Done
    } else {
        StaffOutcome::NotFound
    })
}
