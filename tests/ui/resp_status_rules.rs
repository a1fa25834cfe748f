use ringback::Text;

// Every variant needs a status, one per status, 200 to 599, and no body on 204 or 304.
#[derive(ringback::ApiResponse)]
enum GetOrder {
    #[response(status = 200)]
    Found(Text),
    #[response(status = 200)]
    AlsoFound(Text),
    Unmarked,
    #[response(status = 101)]
    Switching,
    #[response(status = 304)]
    NotModified(Text),
    #[response(state = 404)]
    Missing,
}

fn main() {}
