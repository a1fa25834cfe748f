use ringback::auth::Auth;

#[ringback::get("/health", public)]
async fn health(caller: Auth<String>) -> String {
    caller.0
}

#[ringback::get("/both", public, security(bearer))]
async fn both() -> String {
    String::new()
}

fn main() {}
