//! The public site: homepage, interviewers listing and profiles, SEO files.

pub mod booking;
pub mod cards;
pub mod home;
pub mod interviewers;
pub mod my_booking;
pub mod seo;
