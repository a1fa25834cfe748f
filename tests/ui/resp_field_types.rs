struct NotABody;

// A body is a `Schema` type, `Text` or `Bytes`; a header is a string or an integer.
#[derive(ringback::ApiResponse)]
enum GetOrder {
    #[response(status = 200)]
    Found(NotABody),
    #[response(status = 202)]
    Pending {
        #[response(header = "Retry-After")]
        retry_after: f64,
    },
}

fn main() {}
