//! `beer-orders outbox ...`: the console's operations from a terminal, against the outbox
//! file or PostgreSQL URL, while the service runs (SQLite lets a second process read and
//! write the file; PostgreSQL is shared anyway).

use std::time::SystemTime;

use ringback::dispatch::{
    Cursor, Delivery, DeliveryFilter, DeliveryState, Dispatcher, DispatcherConfig, PostgresStore,
    Secret, SqliteStore,
};

use crate::progress::Progress;

/// The usage of `beer-orders outbox`.
pub const USAGE: &str =
    "  beer-orders outbox [--outbox FILE|URL] list [--state S] [--callback NAME]
              [--target PREFIX] [--since TIME] [--until TIME] [--limit N] [--after CURSOR] [--json]
      deliveries newest first (state: pending, in_flight, delivered, dead; TIME: 2026-12-01T04:23,
      UTC); prints the cursor of the next page
  beer-orders outbox [--outbox FILE|URL] show ID
      one delivery: its payload, headers and every attempt
  beer-orders outbox [--outbox FILE|URL] replay ID
  beer-orders outbox [--outbox FILE|URL] replay --filter [--callback NAME] [--target PREFIX]
              [--since TIME] [--until TIME]
      make a dead letter, or every dead letter matching, pending again (with a progress bar)
  beer-orders outbox [--outbox FILE|URL] purge-dead [--callback NAME] [--target PREFIX]
              [--since TIME] [--until TIME] | --all
      delete the dead letters matching, or every one with --all, and their attempts, for good
      (delivered and cancelled deliveries are deleted by the service itself, 7 days after they
      finished; dead letters are kept until replayed or purged)
  beer-orders outbox [--outbox FILE|URL] pause TARGET [--reason TEXT]
  beer-orders outbox [--outbox FILE|URL] resume TARGET
      stop or restart deliveries to a target's origin";

/// How many dead letters a step of `replay --filter` replays.
const REPLAY_STEP: usize = 1000;

/// Runs `beer-orders outbox <args>`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut outbox = "beer-orders-outbox.db".to_owned();
    let mut rest: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--outbox" => outbox = it.next().cloned().ok_or("--outbox needs a value")?,
            _ => rest.push(arg.clone()),
        }
    }
    let (command, rest) = rest
        .split_first()
        .ok_or("outbox needs a command: list, show, replay, purge-dead, pause or resume")?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let dispatcher = open(&outbox).await?;
        match command.as_str() {
            "list" => list(&dispatcher, rest).await,
            "show" => show(&dispatcher, rest).await,
            "replay" => replay(&dispatcher, rest).await,
            "purge-dead" => purge_dead(&dispatcher, rest).await,
            "pause" => pause(&dispatcher, rest).await,
            "resume" => resume(&dispatcher, rest).await,
            other => Err(format!("unknown outbox command {other:?}")),
        }
    })
}

/// A dispatcher over the outbox, to act on it; it starts no worker and signs nothing.
async fn open(outbox: &str) -> Result<Dispatcher, String> {
    let config = DispatcherConfig::new(Secret::generate());
    let fail = |e: ringback::dispatch::StoreError| format!("--outbox {outbox}: {e:#}");
    if outbox.starts_with("postgres://") || outbox.starts_with("postgresql://") {
        let store = PostgresStore::connect(outbox).await.map_err(fail)?;
        return Ok(Dispatcher::new(store, config));
    }
    if !std::path::Path::new(outbox).exists() {
        return Err(format!(
            "there is no outbox at {outbox}; name the service's with --outbox FILE|URL"
        ));
    }
    Ok(Dispatcher::new(
        SqliteStore::open(outbox).map_err(fail)?,
        config,
    ))
}

/// Filter options as the console's field names; other options are returned as they are.
/// Filter fields by the console's names, and the other arguments.
type Split = (Vec<(String, String)>, Vec<String>);

fn filter_options(args: &[String]) -> Result<Split, String> {
    let mut fields = Vec::new();
    let mut other = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.strip_prefix("--") {
            Some(name @ ("state" | "callback" | "target" | "since" | "until" | "after")) => {
                let value = it.next().ok_or(format!("{arg} needs a value"))?;
                fields.push((name.to_owned(), value.clone()));
            }
            _ => other.push(arg.clone()),
        }
    }
    Ok((fields, other))
}

fn read_filter(fields: &[(String, String)]) -> Result<(DeliveryFilter, Option<Cursor>), String> {
    ringback::console::read_filter(fields.iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

fn millis(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

async fn list(dispatcher: &Dispatcher, args: &[String]) -> Result<(), String> {
    let (fields, other) = filter_options(args)?;
    let (filter, after) = read_filter(&fields)?;
    let mut limit: usize = 50;
    let mut json = false;
    let mut it = other.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--limit" => {
                let v = it.next().ok_or("--limit needs a value")?;
                limit = v
                    .parse()
                    .map_err(|_| format!("--limit {v:?} is not a number"))?;
            }
            "--json" => json = true,
            other => return Err(format!("unknown argument {other:?} to outbox list")),
        }
    }
    // One more than asked: whether there is a next page.
    let mut page = dispatcher
        .store()
        .page(filter, after, limit.saturating_add(1))
        .await
        .map_err(|e| format!("{e:#}"))?;
    let more = page.len() > limit;
    page.truncate(limit);
    for d in &page {
        if json {
            println!("{}", summary_json(d));
        } else {
            println!(
                "{}  {:<9}  {:<18}  {:>2}  {}  {}{}",
                d.id,
                d.state.as_str(),
                d.callback,
                d.attempts,
                ringback_time(d.created_at),
                d.url,
                d.last_error
                    .as_deref()
                    .map_or(String::new(), |e| format!("  ({e})"))
            );
        }
    }
    if more {
        if let Some(last) = page.last() {
            eprintln!("more: --after {}", Cursor::after(last).to_token());
        }
    }
    Ok(())
}

/// A time as `2026-12-01T04:23:05.123Z`.
fn ringback_time(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn summary_json(d: &Delivery) -> serde_json::Value {
    serde_json::json!({
        "id": d.id,
        "state": d.state.as_str(),
        "callback": d.callback,
        "method": d.method,
        "url": d.url,
        "attempts": d.attempts,
        "createdAt": ringback_time(d.created_at),
        "createdAtMs": millis(d.created_at),
        "nextAttemptAt": ringback_time(d.next_attempt_at),
        "lastError": d.last_error,
    })
}

async fn show(dispatcher: &Dispatcher, args: &[String]) -> Result<(), String> {
    let [id] = args else {
        return Err("outbox show needs one delivery id".into());
    };
    let store = dispatcher.store();
    let d = store
        .get(id)
        .await
        .map_err(|e| format!("{e:#}"))?
        .ok_or(format!("there is no delivery {id}"))?;
    let attempts = store.attempts(id).await.map_err(|e| format!("{e:#}"))?;
    println!("id:           {}", d.id);
    println!("state:        {}", d.state.as_str());
    println!("callback:     {}", d.callback);
    println!("request:      {} {}", d.method, d.url);
    println!("recorded:     {}", ringback_time(d.created_at));
    println!("attempts:     {}", d.attempts);
    println!("next/last due {}", ringback_time(d.next_attempt_at));
    println!(
        "last error:   {}",
        d.last_error.as_deref().unwrap_or("none")
    );
    println!("\nheaders (each attempt):\n  content-type: application/json\n  webhook-id: {}\n  webhook-timestamp: (the attempt's time)\n  webhook-signature: v1,... (made at each attempt; the secret is not shown)", d.id);
    let payload = serde_json::from_slice::<serde_json::Value>(&d.body)
        .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
        .unwrap_or_else(|_| String::from_utf8_lossy(&d.body).into_owned());
    println!("\npayload:\n{payload}");
    println!("\nattempts:");
    if attempts.is_empty() {
        println!("  none yet");
    }
    for a in attempts {
        let answer = match (a.status, &a.error) {
            (Some(s), None) => s.to_string(),
            (Some(s), Some(e)) => format!("{s}: {e}"),
            (None, Some(e)) => e.clone(),
            (None, None) => "no answer".into(),
        };
        println!(
            "  #{} {} {} in {:.1} ms",
            a.number,
            ringback_time(a.at),
            answer,
            a.latency.as_secs_f64() * 1000.0
        );
        let head = &a.response_head[..a.response_head.len().min(4096)];
        if !head.is_empty() {
            println!("     answer: {}", String::from_utf8_lossy(head));
        }
    }
    Ok(())
}

async fn replay(dispatcher: &Dispatcher, args: &[String]) -> Result<(), String> {
    let (fields, other) = filter_options(args)?;
    match other.as_slice() {
        [flag] if flag == "--filter" => {}
        [id] if fields.is_empty() && !id.starts_with("--") => {
            return match dispatcher.replay(id).await.map_err(|e| format!("{e:#}"))? {
                true => {
                    println!("replayed {id}: pending again, due now");
                    Ok(())
                }
                false => Err(format!("{id} was not replayed: only a dead letter can be")),
            };
        }
        _ => {
            return Err("outbox replay takes a delivery id, or --filter and filter options".into())
        }
    }
    if fields.iter().any(|(n, _)| n == "state" || n == "after") {
        return Err(
            "outbox replay --filter replays dead letters only: leave out --state and --after"
                .into(),
        );
    }
    let (filter, _) = read_filter(&fields)?;
    let mut dead = filter.clone();
    dead.state = Some(DeliveryState::Dead);
    // First the steps: each is a span of creation times holding REPLAY_STEP dead letters, read
    // a page at a time; then each span is replayed in one statement, and the bar moves.
    let store = dispatcher.store();
    let mut spans: Vec<(SystemTime, SystemTime, u64)> = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .page(dead.clone(), after, REPLAY_STEP)
            .await
            .map_err(|e| format!("{e:#}"))?;
        let (Some(newest), Some(oldest)) = (page.first(), page.last()) else {
            break;
        };
        spans.push((oldest.created_at, newest.created_at, page.len() as u64));
        after = Some(Cursor::after(oldest));
        if page.len() < REPLAY_STEP {
            break;
        }
    }
    let total = spans.iter().map(|s| s.2).sum();
    if total == 0 {
        println!("no dead letter matches");
        return Ok(());
    }
    let mut progress = Progress::new("replaying", total);
    let mut replayed = 0;
    for (oldest, newest, _) in spans {
        // Within the filter's own range: the span came from the filtered list.
        let mut step = filter.clone();
        step.since = Some(oldest);
        step.until = Some(newest + std::time::Duration::from_millis(1));
        let n = dispatcher
            .replay_matching(step)
            .await
            .map_err(|e| format!("{e:#}"))?;
        replayed += n;
        progress.add(n);
    }
    progress.finish();
    println!("replayed {replayed} dead letter(s)");
    Ok(())
}

async fn purge_dead(dispatcher: &Dispatcher, args: &[String]) -> Result<(), String> {
    let (fields, other) = filter_options(args)?;
    let all =
        match other.as_slice() {
            [] => false,
            [flag] if flag == "--all" => true,
            _ => return Err(
                "outbox purge-dead takes filter options (--callback, --target, --since, --until), \
                 or --all"
                    .into(),
            ),
        };
    if fields.iter().any(|(n, _)| n == "state" || n == "after") {
        return Err(
            "outbox purge-dead deletes dead letters only: leave out --state and --after".into(),
        );
    }
    // Deleting is for good: every dead letter only when asked for in so many words.
    match (fields.is_empty(), all) {
        (true, false) => {
            return Err(
                "outbox purge-dead deletes dead letters for good: say which \
                        (--callback, --target, --since, --until), or --all for every one"
                    .into(),
            )
        }
        (false, true) => return Err("outbox purge-dead: --all or filter options, not both".into()),
        _ => {}
    }
    let (filter, _) = read_filter(&fields)?;
    let purged = dispatcher
        .purge_dead(filter)
        .await
        .map_err(|e| format!("{e:#}"))?;
    println!("purged {purged} dead letter(s)");
    Ok(())
}

async fn pause(dispatcher: &Dispatcher, args: &[String]) -> Result<(), String> {
    let (target, reason) = match args {
        [target] => (target, "paused from the command line"),
        [target, flag, reason] if flag == "--reason" => (target, reason.as_str()),
        _ => return Err("outbox pause takes a target, and optionally --reason TEXT".into()),
    };
    match crate::outbox_wire::pause(dispatcher, target, reason).await {
        Some(result) => {
            let origin = result.map_err(|e| format!("{e:#}"))?;
            println!("paused {origin}");
            Ok(())
        }
        None => Err(crate::outbox_wire::NOT_YET.into()),
    }
}

async fn resume(dispatcher: &Dispatcher, args: &[String]) -> Result<(), String> {
    let [target] = args else {
        return Err("outbox resume takes a target".into());
    };
    match crate::outbox_wire::resume(dispatcher, target).await {
        Some(result) => {
            match result.map_err(|e| format!("{e:#}"))? {
                true => println!("resumed {target}"),
                false => println!("{target} was not paused"),
            }
            Ok(())
        }
        None => Err(crate::outbox_wire::NOT_YET.into()),
    }
}
