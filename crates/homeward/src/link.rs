//! `homeward link`: the linkage engine over CSV files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use homeward_domain::dates::PartialDate;
use homeward_linkage::{Birth, Record};
use serde::Deserialize;

pub struct Args {
    pub left: PathBuf,
    pub right: Option<PathBuf>,
    pub out: PathBuf,
    pub config: Option<PathBuf>,
    pub threshold: f64,
    pub explain: bool,
}

/// How to read a file whose columns are not the default ones.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    columns: Columns,
    /// `YYYY-MM-DD` (the default, also accepting `YYYY-MM` and `YYYY`) or `YYYYMMDD`.
    #[serde(default)]
    date_format: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Columns {
    id: String,
    given_name: String,
    family_name: String,
    date_of_birth: Option<String>,
    sex: Option<String>,
    nationality: Option<String>,
    /// Any other columns to compare (an address, a document number).
    extra: Vec<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Self {
            id: "id".into(),
            given_name: "given_name".into(),
            family_name: "family_name".into(),
            date_of_birth: Some("date_of_birth".into()),
            sex: Some("sex".into()),
            nationality: Some("nationality".into()),
            extra: Vec::new(),
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold must be a probability between 0 and 1, not {}", args.threshold);
    }
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("{} is not a valid link configuration", path.display()))?
        }
        None => Config { columns: Columns::default(), date_format: None },
    };
    let left = read(&args.left, &config)?;
    let right = args.right.as_deref().map(|p| read(p, &config)).transpose()?;
    eprintln!(
        "link: {} records{}",
        left.len(),
        right.as_ref().map(|r| format!(" against {}", r.len())).unwrap_or_else(|| " (deduplicating)".into())
    );
    let started = std::time::Instant::now();
    let mut bar = Progress::new();
    let linked = homeward_linkage::link(&left, right.as_deref(), &config.columns.extra, args.threshold, |s, d, t| {
        bar.show(s, d, t)
    });
    bar.finish();
    for (f, field) in linked.model.fields.iter().enumerate() {
        let levels: Vec<String> = homeward_linkage::compare::levels(f)
            .iter()
            .enumerate()
            .map(|(l, name)| format!("{name} m={:.3} u={:.4}", linked.model.m[f][l], linked.model.u[f][l]))
            .collect();
        eprintln!("link: model {field}: {}", levels.join("; "));
    }
    eprintln!("link: model chance that two random records are the same child {:.2e}", linked.model.lambda);
    let other = right.as_deref().unwrap_or(&left);
    let mut out = csv::Writer::from_path(&args.out).with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut header = vec!["left_id", "right_id", "probability"];
    if args.explain {
        header.push("explanation");
    }
    out.write_record(&header)?;
    let mut written = 0;
    for pair in linked.pairs.iter().take_while(|p| p.probability >= args.threshold) {
        let mut row =
            vec![left[pair.left].id.clone(), other[pair.right].id.clone(), format!("{:.6}", pair.probability)];
        if args.explain {
            row.push(explanation(&pair.explanation));
        }
        out.write_record(&row)?;
        written += 1;
    }
    out.flush().with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "link: compared {} pairs, wrote {written} at or above {} to {} in {:.1} s",
        linked.compared,
        args.threshold,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Where a long run is: a bar redrawn in place on a terminal, a line per stage elsewhere (a
/// log file should not fill with carriage returns).
struct Progress {
    terminal: bool,
    drawn: bool,
    last_stage: String,
}

impl Progress {
    const WIDTH: usize = 30;

    fn new() -> Self {
        use std::io::IsTerminal;
        Self { terminal: std::io::stderr().is_terminal(), drawn: false, last_stage: String::new() }
    }

    fn show(&mut self, stage: &str, done: usize, total: usize) {
        if total == 0 {
            self.finish();
            eprintln!("link: {stage} {done}");
            return;
        }
        if self.terminal {
            let filled = (done * Self::WIDTH / total).min(Self::WIDTH);
            eprint!(
                "\rlink: {stage:<7} [{}{}] {:>3} % {done}/{total}",
                "#".repeat(filled),
                " ".repeat(Self::WIDTH - filled),
                done * 100 / total
            );
            self.drawn = true;
        } else if self.last_stage != stage || done == total {
            eprintln!("link: {stage} {done}/{total}");
        }
        self.last_stage = stage.to_owned();
    }

    fn finish(&mut self) {
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}

/// `given_name exact +6.2; birth different -3.1`: what each field said about a pair.
fn explanation(contributions: &[homeward_linkage::model::Contribution]) -> String {
    contributions.iter().map(|c| format!("{} {} {:+.1}", c.field, c.level, c.weight)).collect::<Vec<_>>().join("; ")
}

fn read(path: &Path, config: &Config) -> anyhow::Result<Vec<Record>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers().with_context(|| format!("{}: cannot read the header line", path.display()))?.clone();
    let position: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let column = |name: &str| -> anyhow::Result<usize> {
        position.get(name).copied().with_context(|| {
            format!(
                "{}: no column `{name}` in the header ({})",
                path.display(),
                headers.iter().collect::<Vec<_>>().join(",")
            )
        })
    };
    let c = &config.columns;
    let (id, given, family) = (column(&c.id)?, column(&c.given_name)?, column(&c.family_name)?);
    let optional = |name: &Option<String>| name.as_deref().and_then(|n| position.get(n).copied());
    let (dob, sex, nationality) = (optional(&c.date_of_birth), optional(&c.sex), optional(&c.nationality));
    let extra: Vec<usize> = c.extra.iter().map(|name| column(name)).collect::<anyhow::Result<_>>()?;
    let compact = config.date_format.as_deref() == Some("YYYYMMDD");
    let mut records = Vec::new();
    let mut unreadable = Vec::new();
    for (n, row) in reader.records().enumerate() {
        let row = row.map_err(|e| match e.position() {
            Some(p) => anyhow::anyhow!("{}: line {}: {}", path.display(), p.line(), e),
            None => anyhow::anyhow!("{}: {}", path.display(), e),
        })?;
        let line = row.position().map_or(n as u64 + 2, |p| p.line());
        let field = |i: Option<usize>| i.and_then(|i| row.get(i)).filter(|v| !v.is_empty());
        // A date that cannot be read is a fact unknown, not a reason to stop: registries are
        // full of them. Each one is reported.
        let birth = match field(dob) {
            None => None,
            Some(text) => match parse_date(text, compact) {
                Ok(date) => Some(Birth::Date(date)),
                Err(e) => {
                    unreadable.push(format!("line {line} `{text}` ({e})"));
                    None
                }
            },
        };
        records.push(Record {
            id: row.get(id).unwrap_or_default().to_owned(),
            given_name: row.get(given).unwrap_or_default().to_owned(),
            family_name: row.get(family).unwrap_or_default().to_owned(),
            birth,
            sex: field(sex)
                .and_then(|s| s.chars().next())
                .map(|c| c.to_ascii_uppercase())
                .filter(|c| *c == 'F' || *c == 'M'),
            nationality: field(nationality).map(str::to_owned),
            extra: extra.iter().map(|&i| row.get(i).unwrap_or_default().to_owned()).collect(),
        });
    }
    if !unreadable.is_empty() {
        eprintln!(
            "link: {}: {} dates of birth could not be read and count as unknown, e.g. {}",
            path.display(),
            unreadable.len(),
            unreadable.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
        );
    }
    Ok(records)
}

fn parse_date(text: &str, compact: bool) -> anyhow::Result<PartialDate> {
    if compact && text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (&text[..4], &text[4..6], &text[6..]);
        return Ok(PartialDate::parse(&format!("{y}-{m}-{d}"))?);
    }
    Ok(PartialDate::parse(text)?)
}
