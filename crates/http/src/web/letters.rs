//! Responsibility letters (责任书): the year's letters, the units still missing one, uploads.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use luoshi_service::letters::MAX_LETTER_BYTES;
use minijinja::context;

use super::PageError;
use super::form::{Fields, field, matters_named};
use super::form::{Upload, UploadRefused, unread};
use super::register::resolve;
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

pub async fn page(State(s): State<AppState>, viewer: Viewer, Query(f): Query<Fields>) -> Response {
    let year = field(&f, "year")
        .parse::<i32>()
        .unwrap_or_else(|_| s.luoshi.today().year());
    show(&s, &viewer, StatusCode::OK, year, None).await
}

async fn show(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    year: i32,
    error: Option<String>,
) -> Response {
    let (letters, missing) = match s.luoshi.letters(&viewer.user, year).await {
        Ok(found) => found,
        Err(e) => {
            let api = ApiError::from(e);
            return PageError::from(api).into_response();
        }
    };
    let tree = s.luoshi.tree();
    let letters: Vec<_> = letters
        .iter()
        .map(|l| {
            context! {
                id => l.id, unit => view::unit_name(&tree, l.unit_id), name => l.file_name,
                size => view::file_size(l.size),
                matters => l.matter_ids.len(), at => view::cn_time(l.uploaded_at),
            }
        })
        .collect();
    let missing: Vec<String> = missing.iter().map(|u| view::unit_name(&tree, *u)).collect();
    render(
        s,
        status,
        "letters.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            year, letters, missing, error, max_mb => MAX_LETTER_BYTES / 1024 / 1024,
        },
    )
}

pub async fn upload(State(s): State<AppState>, upload: Result<Upload, UploadRefused>) -> Response {
    let year_now = s.luoshi.today().year();
    let Upload {
        viewer,
        fields,
        file,
    } = match upload {
        Ok(upload) => upload,
        Err(UploadRefused::Unread { viewer, too_large }) => {
            let mb = MAX_LETTER_BYTES / 1024 / 1024;
            let (status, message) = unread(too_large, &format!("文件超过 {mb} MB"));
            return show(&s, &viewer, status, year_now, Some(message)).await;
        }
        Err(page) => return page.into_response(),
    };
    let year = field(&fields, "year")
        .trim()
        .parse::<i32>()
        .unwrap_or(year_now);
    let tree = s.luoshi.tree();
    let unit = match resolve(&tree, &viewer.user, field(&fields, "unit")) {
        Ok(units) if units.len() == 1 => units[0],
        Ok(_) => {
            return show(
                &s,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                year,
                Some("请填写一个单位".into()),
            )
            .await;
        }
        Err(e) => return show(&s, &viewer, StatusCode::UNPROCESSABLE_ENTITY, year, Some(e)).await,
    };
    let matters = match matters_named(&s, &viewer, field(&fields, "matters")).await {
        Ok(m) => m,
        Err(why) => {
            return show(
                &s,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                year,
                Some(why),
            )
            .await;
        }
    };
    let (name, bytes) = file.unwrap_or_default();
    match s
        .luoshi
        .upload_letter(&viewer.user, unit, year, &name, &bytes, &matters)
        .await
    {
        Ok(_) => Redirect::to(&format!("/letters?year={year}")).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show(&s, &viewer, api.status, year, Some(api.message)).await
        }
    }
}

pub async fn download(State(s): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    match s.luoshi.letter_file(&viewer.user, id).await {
        Ok((letter, bytes)) => {
            crate::api::attachment(&letter.content_type, &letter.file_name, bytes)
        }
        Err(e) => PageError::from(e).into_response(),
    }
}
