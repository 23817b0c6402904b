//! Rate limits per client address: a token bucket for requests in general, and a tighter one
//! for sign-in attempts, on top of the account lockout. A refused request gets 429 with
//! `Retry-After` and changes nothing.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::ApiError;

/// `[limits]`: how much one address may ask. Zero turns a limit off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Requests per second, sustained …
    pub requests_per_second: u32,
    /// … with bursts up to this many.
    pub burst: u32,
    /// Sign-in attempts per minute (successful or not).
    pub sign_ins_per_minute: u32,
}

impl Default for Limits {
    /// Generous enough for an office of a few hundred people behind one gateway.
    fn default() -> Self {
        Limits {
            requests_per_second: 100,
            burst: 400,
            sign_ins_per_minute: 30,
        }
    }
}

impl Limits {
    pub fn off() -> Limits {
        Limits {
            requests_per_second: 0,
            burst: 0,
            sign_ins_per_minute: 0,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Any,
    SignIn,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every address seen lately.
#[derive(Clone)]
pub struct Limiter {
    limits: Limits,
    buckets: Arc<Mutex<HashMap<(IpAddr, Kind), Bucket>>>,
}

/// Addresses remembered at most; past this, full buckets (idle addresses) are forgotten.
const REMEMBERED: usize = 10_000;

impl Limiter {
    pub fn new(limits: Limits) -> Limiter {
        Limiter {
            limits,
            buckets: Arc::default(),
        }
    }

    /// A kind of bucket's refill per second and size.
    fn shape(&self, kind: Kind) -> (f64, f64) {
        match kind {
            Kind::Any => (
                f64::from(self.limits.requests_per_second),
                f64::from(self.limits.burst.max(self.limits.requests_per_second)),
            ),
            Kind::SignIn => {
                let n = f64::from(self.limits.sign_ins_per_minute);
                (n / 60.0, n)
            }
        }
    }

    /// Takes one token from the address's bucket, or says how long until one is there.
    fn take(&self, addr: IpAddr, kind: Kind, now: Instant) -> Result<(), Duration> {
        let (rate, burst) = self.shape(kind);
        if rate <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > REMEMBERED {
            // Each bucket by its own kind's shape: only the full ones, whose addresses have been
            // quiet, are forgotten, so forgetting never hands anyone a fresh allowance.
            buckets.retain(|(_, k), b| {
                let (rate, burst) = self.shape(*k);
                b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst
            });
        }
        let b = buckets.entry((addr, kind)).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / rate))
        }
    }
}

/// The middleware: sign-in posts count against both buckets, everything else against one.
pub async fn limit(State(limiter): State<Limiter>, req: Request, next: Next) -> Response {
    let Some(addr) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    let signs_in =
        req.method() == Method::POST && (path == "/login" || path == "/api/v1/auth/login");
    let now = Instant::now();
    let mut verdict = limiter.take(addr, Kind::Any, now);
    if verdict.is_ok() && signs_in {
        verdict = limiter.take(addr, Kind::SignIn, now);
    }
    match verdict {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            tracing::warn!(%addr, path, "rate limited");
            let message = "请求过于频繁,请稍后再试";
            let mut res = if path.starts_with("/api/") {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
                    .into_response()
            } else {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    Html(format!("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{message}</title><p>{message}</p></html>")),
                )
                    .into_response()
            };
            let secs = wait.as_secs().max(1).to_string();
            if let Ok(v) = HeaderValue::from_str(&secs) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_lets_a_burst_through_then_refills_at_its_rate() {
        let limiter = Limiter::new(Limits {
            requests_per_second: 10,
            burst: 20,
            sign_ins_per_minute: 6,
        });
        let addr: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..20 {
            assert!(limiter.take(addr, Kind::Any, t0).is_ok());
        }
        let wait = limiter.take(addr, Kind::Any, t0).unwrap_err();
        assert!(wait <= Duration::from_millis(100));
        assert!(
            limiter
                .take(addr, Kind::Any, t0 + Duration::from_millis(100))
                .is_ok()
        );
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limiter.take(other, Kind::Any, t0).is_ok(), "per address");

        for _ in 0..6 {
            assert!(limiter.take(addr, Kind::SignIn, t0).is_ok());
        }
        let wait = limiter.take(addr, Kind::SignIn, t0).unwrap_err();
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_secs(10));
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limiter = Limiter::new(Limits::off());
        let addr: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..10_000 {
            assert!(limiter.take(addr, Kind::Any, t0).is_ok());
            assert!(limiter.take(addr, Kind::SignIn, t0).is_ok());
        }
    }
}
