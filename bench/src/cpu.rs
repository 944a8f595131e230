//! Where a run's CPU time went, read from Linux's `/proc`: the whole machine's busy time, each
//! Homeward instance's, the load generator's own and PostgreSQL's processes', between two
//! snapshots. It answers whether a load fits the machine at all: a rate that needs more cores
//! than there are cannot be held at any latency, whatever the code does with its locks.

use std::fmt::Write as _;

/// CPU time consumed so far, in clock ticks (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
#[derive(Clone, Copy)]
pub struct Snapshot {
    /// All CPUs together: ticks busy, and ticks in all (busy and idle).
    busy: u64,
    total: u64,
    instances: [u64; 2],
    generator: u64,
    postgres: u64,
}

/// The difference between two snapshots.
pub struct Used {
    pub cores: usize,
    /// CPU seconds, all CPUs together: the machine busy, the two instances, this process,
    /// PostgreSQL's processes.
    pub busy: f64,
    pub instances: f64,
    pub generator: f64,
    pub postgres: f64,
    /// Seconds on the clock between the snapshots.
    pub wall: f64,
}

/// Linux counts CPU time in these ticks for `/proc/stat` and `/proc/<pid>/stat` alike.
const TICKS_PER_SECOND: f64 = 100.0;

impl Snapshot {
    /// Reads the machine's and the processes' times now; `None` where `/proc` cannot be read
    /// (not Linux), so that the run goes on without the CPU figures.
    pub fn take(instances: [u32; 2]) -> Option<Self> {
        let (busy, total) = machine(&std::fs::read_to_string("/proc/stat").ok()?)?;
        let process = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| ticks(&s));
        let mut postgres = 0;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().filter(|n| n.bytes().all(|b| b.is_ascii_digit())) else { continue };
            if let Some(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()
                && command(&stat) == Some("postgres")
            {
                postgres += ticks(&stat).unwrap_or(0);
            }
        }
        Some(Snapshot {
            busy,
            total,
            instances: [process(&instances[0].to_string())?, process(&instances[1].to_string())?],
            generator: process("self")?,
            postgres,
        })
    }

    /// What was used from `self` until `later`. A PostgreSQL backend that ended in between
    /// takes its time with it, so that share is a lower bound.
    pub fn until(&self, later: &Snapshot) -> Used {
        let secs = |a: u64, b: u64| b.saturating_sub(a) as f64 / TICKS_PER_SECOND;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Used {
            cores,
            busy: secs(self.busy, later.busy),
            wall: secs(self.total, later.total) / cores as f64,
            instances: secs(self.instances[0] + self.instances[1], later.instances[0] + later.instances[1]),
            generator: secs(self.generator, later.generator),
            postgres: secs(self.postgres, later.postgres),
        }
    }
}

impl Used {
    /// One Markdown line: the machine's busy share, CPU milliseconds per acknowledged case by
    /// whom, and how many cores `rate` cases a second need at that cost.
    pub fn line(&self, cases: usize, rate: f64) -> String {
        let per_case = |secs: f64| secs * 1000.0 / cases.max(1) as f64;
        let rest = (self.busy - self.instances - self.generator - self.postgres).max(0.0);
        let mut s = format!(
            "- CPU over the load (`/proc`): the machine was busy {:.0}% of its {} cores; per acknowledged case \
             {:.2} ms in all: the two instances {:.2} ms, PostgreSQL {:.2} ms, this load generator {:.2} ms, \
             the rest (the kernel, other processes) {:.2} ms",
            100.0 * self.busy / (self.wall * self.cores as f64).max(f64::EPSILON),
            self.cores,
            per_case(self.busy),
            per_case(self.instances),
            per_case(self.postgres),
            per_case(self.generator),
            per_case(rest),
        );
        let _ = write!(
            s,
            ". At that cost {rate} cases/s need {:.2} cores of the {}.",
            per_case(self.busy) * rate / 1000.0,
            self.cores
        );
        s
    }
}

/// Busy and total ticks of all CPUs from `/proc/stat`'s first line (`cpu user nice system
/// idle iowait irq softirq steal …`); idle and iowait are not busy, and time the hypervisor
/// stole is left out of both.
fn machine(stat: &str) -> Option<(u64, u64)> {
    let mut fields = stat.lines().next()?.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let v: Vec<u64> = fields.take(7).map(str::parse).collect::<Result<_, _>>().ok()?;
    let total: u64 = v.iter().sum();
    let idle = v.get(3)? + v.get(4)?;
    Some((total - idle, total))
}

/// A process's command name from its `/proc/<pid>/stat` (between the first `(` and the last
/// `)`, since the name itself may hold either).
fn command(stat: &str) -> Option<&str> {
    stat.get(stat.find('(')? + 1..stat.rfind(')')?)
}

/// A process's user and system ticks, all its threads together: fields 14 and 15 of
/// `/proc/<pid>/stat`, counted after the command name.
fn ticks(stat: &str) -> Option<u64> {
    let after = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = after.split_whitespace().skip(11);
    Some(fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_line_gives_its_name_and_its_user_and_system_ticks() {
        let stat = "4242 (tokio (rt) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 9 0 100 0 0";
        assert_eq!(command(stat), Some("tokio (rt) x"));
        assert_eq!(ticks(stat), Some(1290));
        assert_eq!(ticks("4242 (cut) S 1 2"), None);
    }

    #[test]
    fn the_machine_line_counts_idle_and_iowait_as_not_busy() {
        let stat = "cpu  100 5 50 800 40 3 2 7 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\n";
        assert_eq!(machine(stat), Some((160, 1000)));
        assert_eq!(machine("intr 1 2 3"), None);
    }

    #[test]
    fn a_snapshot_sees_this_process_use_the_cpu() {
        let me = std::process::id();
        let before = Snapshot::take([me, me]).expect("/proc is readable");
        // Work until this process has used a fifth of a second of CPU by its own account (at
        // most half a minute, so that a broken reading fails instead of hanging).
        let started = std::time::Instant::now();
        let mut used = before.until(&before);
        let mut sum = 0u64;
        while used.generator < 0.2 && started.elapsed() < std::time::Duration::from_secs(30) {
            for i in 0..1_000_000u64 {
                sum = std::hint::black_box(sum.wrapping_add(i));
            }
            used = before.until(&Snapshot::take([me, me]).expect("/proc is readable"));
        }
        assert!(used.generator >= 0.2, "this process's own time was read as {} s", used.generator);
        assert!(used.instances >= 0.35, "the process read by its pid, twice, gave {} s", used.instances);
        assert!(used.busy >= 0.15, "the machine was read as busy {} s", used.busy);
        assert!(used.wall > 0.0 && used.cores >= 1);
    }

    #[test]
    fn a_load_that_costs_more_cores_than_there_are_says_so() {
        let used = Used { cores: 2, busy: 15.0, wall: 10.0, instances: 5.0, generator: 1.0, postgres: 8.0 };
        let line = used.line(3000, 500.0);
        assert!(line.contains("busy 75% of its 2 cores"), "{line}");
        assert!(line.contains("5.00 ms in all: the two instances 1.67 ms, PostgreSQL 2.67 ms"), "{line}");
        assert!(line.contains("the rest (the kernel, other processes) 0.33 ms"), "{line}");
        assert!(line.contains("500 cases/s need 2.50 cores of the 2"), "{line}");
    }
}
