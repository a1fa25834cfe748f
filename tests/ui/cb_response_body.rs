use ringback::{Body, Created};

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct Job {
    status_url: Option<String>,
}

#[derive(serde::Serialize, ringback::Schema)]
struct Done {
    ok: bool,
}

// The callback target comes from the response: `statusUrl` exists, `doneUrl` does not.
#[ringback::post("/jobs", callback(jobDone = "{$response.body#/doneUrl}", body = Done))]
async fn start_job(job: Body<Job>) -> Created<Job> {
    Created::new("http://localhost/jobs/1", job.0)
}

fn main() {}
