#![no_main]

use libfuzzer_sys::fuzz_target;
use luoshi_http::{INPUT_ROUTES, read_input};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let route = INPUT_ROUTES[usize::from(selector) % INPUT_ROUTES.len()];
    let result = read_input(route, input).expect("every listed route is known");
    if let Err(e) = result {
        // A refused input is the client's fault, never the server's.
        assert!(
            e.status.is_client_error(),
            "{route}: {} {}",
            e.status,
            e.message
        );
    }
});
