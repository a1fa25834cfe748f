use ringback::callback::CallbackTemplate;
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
async fn start_job(job: Body<Job>, job_done: CallbackTemplate<Done>) -> Created<Job> {
    let _ = job_done;
    Created::new("http://localhost/jobs/1", job.0)
}

#[derive(ringback::ApiResponse)]
enum StartJob {
    #[response(status = 202)]
    Started(Job),
    #[response(status = 200)]
    Finished(Done),
}

// With two 2xx bodies, there is no one `$response.body` for a callback to read.
#[ringback::post("/jobs2", callback(jobDone = "{$response.body#/statusUrl}", body = Done))]
async fn start_job_2(job: Body<Job>, job_done: CallbackTemplate<Done>) -> StartJob {
    let _ = job_done;
    StartJob::Started(job.0)
}

fn main() {}
