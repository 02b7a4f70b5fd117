//! The admin panel: each interviewer's bookings and profile, and staff management. Every
//! handler takes an [`session::Admin`] (signed in, else sent to the login page) and reads only
//! what that user may see: an interviewer's queries are scoped to their own interviewer id,
//! so another interviewer's objects are simply not found (404).

pub mod account;
pub mod bookings;
pub mod claims;
pub mod earnings;
pub mod overview;
pub mod payouts;
pub mod profile;
pub mod reports;
pub mod session;
pub mod staff;

use serde::Serialize;

use self::session::Admin;
use super::{AppState, page::PageMeta};

#[derive(Serialize)]
pub struct AdminUserView {
    pub email: String,
    pub name: String,
    pub is_staff: bool,
    pub interviewer_slug: Option<String>,
}

/// The template context of an admin page: like [`super::page::Page`], plus who is signed in.
#[derive(Serialize)]
pub struct AdminPage<T: Serialize> {
    pub meta: PageMeta,
    pub nav_active: Option<&'static str>,
    pub jsonld: Option<String>,
    pub user: Option<AdminUserView>,
    /// Which admin section is current, for the admin navigation.
    pub section: &'static str,
    #[serde(flatten)]
    pub content: T,
}

impl<T: Serialize> AdminPage<T> {
    pub fn new(state: &AppState, path: &str, title: &str, content: T) -> Self {
        let mut meta = PageMeta::new(
            state,
            path,
            format!("{title} · 508.dev Interviews admin"),
            "The 508.dev Interviews admin panel.",
        );
        meta.robots = Some("noindex, nofollow");
        Self {
            meta,
            nav_active: None,
            jsonld: None,
            user: None,
            section: "",
            content,
        }
    }

    pub fn user(mut self, admin: &Admin) -> Self {
        self.user = Some(AdminUserView {
            email: admin.0.email.clone(),
            name: admin.0.name.clone(),
            is_staff: admin.0.is_staff,
            interviewer_slug: admin.0.interviewer_slug.clone(),
        });
        self
    }

    pub fn section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }
}
