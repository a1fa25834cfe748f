//! The history `outbox-scale` fills an outbox with, as SQL both stores run: one `INSERT ...
//! SELECT` over a generated range of row numbers for the deliveries, and one for their
//! attempts, so millions of rows are written by the database itself rather than row by row.
//!
//! Row `i` is recorded `i * spacing` after the history's start, so a growing outbox gains
//! newer rows, as a real one does. What happened to it depends on `i` alone:
//!
//! - the first 10,000 rows with `i % 10 = 7` were sent to one target that then went away: dead
//!   after 5 attempts, to `https://outage.example/hooks` (what the replay measures);
//! - `i % 97 = 3`: dead after 5 attempts, to any target (about 1%);
//! - `i % 1009 = 11`: pending, scheduled for 1 to 30 days from now, not attempted (0.1%);
//! - `i % 20 = 1`: delivered at the second attempt (5%);
//! - the rest: delivered at the first attempt.
//!
//! Four callbacks (60/20/15/5%), a thousand client origins, bodies of about 300 bytes, ids
//! shaped as `send` makes them (`msg_` and 32 hex digits, in time order).

/// The target of the deliveries the replay takes back.
pub const OUTAGE: &str = "https://outage.example/hooks";
/// How many rows at most go to [`OUTAGE`]; the replay replays them all.
pub const OUTAGE_ROWS: u64 = 10_000;
/// The callback the rarest of the four is: 5% of the rows.
pub const RARE_CALLBACK: &str = "refundIssued";

/// How one database writes what differs.
pub struct Dialect {
    /// A table expression yielding the column `i` from `from` to `to - 1`, and the keyword
    /// that must come before it (`WITH RECURSIVE ...` or nothing).
    pub rows: fn(u64, u64) -> (String, String),
    /// Text as the bytes of a BLOB/BYTEA column.
    pub bytes: fn(&str) -> String,
    /// An integer as `width` lowercase hex digits.
    pub hex: fn(&str, usize) -> String,
}

pub const SQLITE: Dialect = Dialect {
    rows: |from, to| {
        (
            format!(
                "WITH RECURSIVE g(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM g WHERE i + 1 < {to})"
            ),
            "g".to_owned(),
        )
    },
    bytes: |text| format!("CAST({text} AS BLOB)"),
    hex: |n, width| format!("printf('%0{width}x', {n})"),
};

pub const POSTGRES: Dialect = Dialect {
    rows: |from, to| {
        (
            String::new(),
            format!(
                "generate_series({from}::BIGINT, {}::BIGINT) AS g(i)",
                to - 1
            ),
        )
    },
    bytes: |text| format!("convert_to({text}, 'UTF8')"),
    hex: |n, width| format!("lpad(to_hex({n}), {width}, '0')"),
};

/// Where the history starts and how far apart its rows are, and the present, in milliseconds
/// since the epoch.
#[derive(Clone, Copy)]
pub struct Timeline {
    pub start_ms: i64,
    pub spacing_ms: i64,
    pub now_ms: i64,
}

impl Timeline {
    pub fn created_ms(&self, i: u64) -> i64 {
        self.start_ms + i as i64 * self.spacing_ms
    }

    /// The id of row `i`, as the fill writes it.
    pub fn id(&self, i: u64) -> String {
        format!("msg_{:012x}7000{i:016x}", self.created_ms(i))
    }

    /// The created time before which every [`OUTAGE`] row lies.
    pub fn outage_until_ms(&self) -> i64 {
        self.created_ms(OUTAGE_ROWS * 10)
    }
}

/// Rows `from..to` with their kind (4 outage, 3 dead, 2 scheduled, 1 delivered at the second
/// attempt, 0 at the first), creation time and attempt count.
fn numbered(d: &Dialect, t: &Timeline, from: u64, to: u64) -> (String, String) {
    let (with, rows) = (d.rows)(from, to);
    let kinds = format!(
        "SELECT i, kind, {start} + i * {spacing} AS created,
            CASE kind WHEN 4 THEN 5 WHEN 3 THEN 5 WHEN 2 THEN 0 WHEN 1 THEN 2 ELSE 1 END AS tries
         FROM (SELECT i, CASE WHEN i % 10 = 7 AND i < {outage_end} THEN 4 WHEN i % 97 = 3 THEN 3
                    WHEN i % 1009 = 11 THEN 2 WHEN i % 20 = 1 THEN 1 ELSE 0 END AS kind
               FROM {rows}) AS r",
        start = t.start_ms,
        spacing = t.spacing_ms,
        outage_end = OUTAGE_ROWS * 10,
    );
    (with, kinds)
}

/// The statement that records deliveries `from..to`.
pub fn deliveries(d: &Dialect, t: &Timeline, from: u64, to: u64) -> String {
    let (with, kinds) = numbered(d, t, from, to);
    let callback = "CASE WHEN (i / 7) % 20 < 12 THEN 'orderStatusChange' WHEN (i / 7) % 20 < 16 THEN 'invoiceDue'
        WHEN (i / 7) % 20 < 19 THEN 'shipmentUpdate' ELSE 'refundIssued' END";
    let body = format!(
        "'{{\"orderId\":\"' || {id} || '\",\"orderStatus\":\"READY\",\"customerRef\":\"cust-' || (i % 50000)
         || '\",\"beerOrderLines\":[{{\"upc\":\"0' || (i % 99991) || '\",\"orderQuantity\":' || (1 + i % 12)
         || '}},{{\"upc\":\"1' || (i % 7919) || '\",\"orderQuantity\":2}}],\"note\":\"left at the back door, ring twice; \
         the dog is friendly\",\"updatedBy\":\"kitchen-' || (i % 17) || '\"}}'",
        id = (d.hex)("i", 32),
    );
    format!(
        "INSERT INTO ringback_deliveries
            (id, callback, method, url, body, created_at, attempts, next_attempt_at, state, last_error)
         {with}
         SELECT 'msg_' || {created_hex} || '7000' || {i_hex}, cb, 'POST',
            CASE WHEN kind = 4 THEN '{OUTAGE}' ELSE 'https://client-' || (i % 1000) || '.example/hooks/' || cb END,
            {body}, created, tries,
            CASE WHEN kind = 2 THEN {now} + (1 + i % 30) * 86400000 ELSE created + (tries - 1) * 60000 END,
            CASE WHEN kind >= 3 THEN 'dead' WHEN kind = 2 THEN 'pending' ELSE 'delivered' END,
            CASE WHEN kind >= 3 THEN 'answered 503' END
         FROM (SELECT k.*, {callback} AS cb FROM ({kinds}) AS k) AS rows",
        created_hex = (d.hex)("created", 12),
        i_hex = (d.hex)("i", 16),
        body = (d.bytes)(&body),
        now = t.now_ms,
    )
}

/// The statement that records the attempts of deliveries `from..to`, one a minute.
pub fn attempts(d: &Dialect, t: &Timeline, from: u64, to: u64) -> String {
    let (with, kinds) = numbered(d, t, from, to);
    format!(
        "INSERT INTO ringback_attempts (delivery_id, number, at, status, error, latency_us, response_head)
         {with}
         SELECT 'msg_' || {created_hex} || '7000' || {i_hex}, n, created + (n - 1) * 60000 + 3,
            CASE WHEN n < tries OR kind >= 3 THEN 503 ELSE 200 END, NULL, 800 + (i * 7 + n) % 4000,
            CASE WHEN n < tries OR kind >= 3 THEN {unavailable} ELSE {ok} END
         FROM ({kinds}) AS k
         JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) AS numbers
           ON numbers.n <= k.tries",
        created_hex = (d.hex)("created", 12),
        i_hex = (d.hex)("i", 16),
        unavailable = (d.bytes)("'unavailable'"),
        ok = (d.bytes)("'ok'"),
    )
}

/// The statement that makes the replayed [`OUTAGE`] deliveries dead again, as they were
/// before the replay, so the next size finds the same history. It reads the created-time
/// index, not every row.
pub fn unreplay(t: &Timeline) -> String {
    format!(
        "UPDATE ringback_deliveries SET state = 'dead', attempts = 5, next_attempt_at = created_at + 240000
         WHERE created_at < {} AND url = '{OUTAGE}' AND state = 'pending'",
        t.outage_until_ms()
    )
}
