//! A progress bar on stderr for long operations, drawn only when stderr is a terminal (a log
//! gets the final line alone).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A bar counting to a known total.
pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    drawn: Option<Instant>,
    terminal: bool,
}

impl Progress {
    /// A bar for `total` steps of `label`.
    pub fn new(label: impl Into<String>, total: u64) -> Self {
        Progress {
            label: label.into(),
            total,
            done: 0,
            drawn: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// `n` more steps done; redrawn at most ten times a second.
    pub fn add(&mut self, n: u64) {
        self.done += n;
        let due = self
            .drawn
            .is_none_or(|at| at.elapsed() >= Duration::from_millis(100));
        if self.terminal && due {
            self.draw();
        }
    }

    /// The bar as it stands: `label [#####.....]  50% 500/1000`.
    pub fn line(&self) -> String {
        const WIDTH: u64 = 30;
        let total = self.total.max(1);
        let done = self.done.min(total);
        let filled = (done * WIDTH / total) as usize;
        format!(
            "{} [{}{}] {:3}% {}/{}",
            self.label,
            "#".repeat(filled),
            ".".repeat(WIDTH as usize - filled),
            done * 100 / total,
            self.done,
            self.total
        )
    }

    fn draw(&mut self) {
        self.drawn = Some(Instant::now());
        let mut err = std::io::stderr();
        let _ = write!(err, "\r{}", self.line());
        let _ = err.flush();
    }

    /// The last line, ending the bar.
    pub fn finish(mut self) {
        if self.terminal {
            self.draw();
            eprintln!();
        } else {
            eprintln!("{}", self.line());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_fills_with_the_steps_done() {
        let mut p = super::Progress::new("replaying", 1000);
        p.terminal = false;
        p.add(500);
        assert_eq!(
            p.line(),
            "replaying [###############...............]  50% 500/1000"
        );
        p.add(500);
        assert!(p.line().ends_with("100% 1000/1000"));
    }
}
