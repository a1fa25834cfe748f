use ringback::callback::CallbackTemplate;
use ringback::{Body, Callback, Created};

#[derive(serde::Serialize, serde::Deserialize, ringback::Schema)]
#[serde(rename_all = "camelCase")]
struct Payment {
    id: u64,
    notify_url: Option<String>,
}

#[derive(serde::Serialize, ringback::Schema)]
struct Settled {
    id: u64,
}

// The ledger's URL needs the payment's id, which only the response has.
#[ringback::post("/payments", callback(ledger = "https://ledger.test/payments/{$response.body#/id}"))]
async fn pay(payment: Body<Payment>, ledger: Option<Callback<Settled>>) -> Created<Payment> {
    let _ = ledger;
    Created::new("/payments/1", payment.0)
}

// Nothing takes the callback, so nothing can resolve it.
#[ringback::post("/payments2", callback(ledger = "https://ledger.test/payments/{$response.body#/id}", body = Settled))]
async fn pay_2(payment: Body<Payment>) -> Created<Payment> {
    Created::new("/payments/1", payment.0)
}

// A template for a target the request alone decides.
#[ringback::post("/payments3", callback(notify = "{$request.body#/notifyUrl}"))]
async fn pay_3(payment: Body<Payment>, notify: Option<CallbackTemplate<Settled>>) -> Created<Payment> {
    let _ = notify;
    Created::new("/payments/1", payment.0)
}

fn main() {}
