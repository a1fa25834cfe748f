use ringback::Text;

// A tuple variant holds only its body; a named variant has one body and headers marked as
// such; a header's name is a header name.
#[derive(ringback::ApiResponse)]
enum GetOrder {
    #[response(status = 200)]
    Found(Text, String),
    #[response(status = 202)]
    Pending { first: Text, second: Text },
    #[response(status = 409)]
    Conflict {
        #[response(header = "X Conflict")]
        with: String,
        #[response(header = "Content-Type")]
        kind: String,
    },
}

#[derive(ringback::ApiResponse)]
struct Single {
    body: Text,
}

fn main() {}
