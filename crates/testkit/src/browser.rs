//! A browser without JavaScript: keeps cookies, posts forms, and stops at every redirect.

use std::collections::HashMap;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::app::{TestApp, multipart};

/// A browser: keeps cookies, does not follow redirects, so each answer can be checked.
pub struct Browser {
    pub http: reqwest::Client,
    pub origin: String,
    pub cookies: HashMap<String, String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub html: String,
}

impl Page {
    /// The value of the first hidden CSRF field on the page.
    pub fn csrf(&self) -> String {
        let at = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF field")
            + 19;
        self.html[at..at + 64].to_string()
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            http,
            origin: app.base.trim_end_matches("/api/v1").to_string(),
            cookies: HashMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        cookie.join("; ")
    }

    /// A file the signed-in person downloads, as bytes.
    pub async fn download(&mut self, path: &str) -> Vec<u8> {
        let res = self
            .http
            .get(format!("{}{path}", self.origin))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.bytes().await.unwrap().to_vec()
    }

    pub async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let res = req
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let set_cookies: Vec<String> = res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        for c in &set_cookies {
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        Page {
            status: res.status(),
            location: res
                .headers()
                .get(LOCATION)
                .map(|l| l.to_str().unwrap().to_string()),
            set_cookies,
            html: res.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(format!("{}{path}", self.origin));
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self.http.post(format!("{}{path}", self.origin)).form(form);
        self.send(req).await
    }

    /// A form with a file, sent as multipart the way a browser sends it.
    pub async fn upload(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> Page {
        let (content_type, body) = multipart(fields, file);
        let req = self
            .http
            .post(format!("{}{path}", self.origin))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.send(req).await
    }

    pub async fn sign_in(&mut self, username: &str) -> Page {
        let csrf = self.get("/login").await.csrf();
        let page = self
            .post(
                "/login",
                &[
                    ("username", username),
                    ("password", "luoshi-demo"),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(
            (page.status, page.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/"))
        );
        self.get("/").await
    }
}
