//! The API and the pages against a real server, one test binary for the crate.

mod assessment;
mod attachments;
mod authorization;
mod cascade;
mod consolidation;
mod corrections;
mod forms;
mod hardening;
mod inbox;
mod indicators;
mod instructions;
mod lifecycle;
mod lights_and_bad_input;
mod office;
mod origins;
mod pages;
mod programs;
mod rating;
mod rounds;
mod search;
