struct Report;

#[ringback::get("/report")]
async fn report() -> Report {
    Report
}

fn main() {}
