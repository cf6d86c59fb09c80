//! Schedules: "daily at 07:00", "every Monday", "monthly on 15 at 18:30", and the
//! one question the engine asks of them: what was the newest time it was due?

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::{words, SpecError};

/// When a scheduled rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Daily {
        at: NaiveTime,
    },
    /// Monday–Friday.
    Weekdays {
        at: NaiveTime,
    },
    Weekly {
        day: Weekday,
        at: NaiveTime,
    },
    /// 1..=31; in a shorter month: its last day.
    Monthly {
        day: u32,
        at: NaiveTime,
    },
}

const HINT: &str =
    "write daily, weekdays, every Monday or monthly on 15, then at HH:MM if not 07:00";

/// How many days back `latest_due` looks: every schedule is due at least once in
/// any 31 days, so this always reaches the newest due time.
const WINDOW_DAYS: u64 = 62;

fn default_time() -> NaiveTime {
    NaiveTime::from_hms_opt(7, 0, 0).expect("07:00 exists")
}

impl Schedule {
    /// `daily [at HH:MM]`, `every day`, `weekdays`, `every weekday`, `every Monday`
    /// (or `every mon`), `weekly on monday`, `monthly on 15`, `every month on 1`;
    /// any of them followed by `at HH:MM` (24 hours; 07:00 if left out).
    pub fn parse(text: &str) -> Result<Schedule, SpecError> {
        let ws = words(text);
        let lower: Vec<String> = ws.iter().map(|(_, w)| w.to_lowercase()).collect();
        let end = text.chars().count() + 1;
        let col = |i: usize| ws.get(i).map_or(end, |w| w.0);
        let word = |i: usize| lower.get(i).map_or("", String::as_str);
        if ws.is_empty() {
            return Err(SpecError::at(1, format!("a schedule is empty: {HINT}")));
        }
        // What the schedule is, and how many words that took.
        let (kind, used): (Box<dyn Fn(NaiveTime) -> Schedule>, usize) = match word(0) {
            "daily" => (Box::new(|at| Schedule::Daily { at }), 1),
            "weekdays" => (Box::new(|at| Schedule::Weekdays { at }), 1),
            "every" => match word(1) {
                "day" => (Box::new(|at| Schedule::Daily { at }), 2),
                "weekday" | "weekdays" => (Box::new(|at| Schedule::Weekdays { at }), 2),
                "month" => {
                    let day = month_day(word(2), word(3), col(2), col(3))?;
                    (Box::new(move |at| Schedule::Monthly { day, at }), 4)
                }
                w => match weekday(w) {
                    Some(day) => (Box::new(move |at| Schedule::Weekly { day, at }), 2),
                    None => {
                        return Err(SpecError::at(
                            col(1),
                            format!(
                                "'every {}' is not a schedule: write every day, every weekday, \
                                 every Monday (or another day) or every month on 1",
                                ws.get(1).map_or("", |w| w.1.as_str())
                            ),
                        ))
                    }
                },
            },
            "weekly" => {
                if word(1) != "on" {
                    return Err(SpecError::at(
                        col(1),
                        "write weekly on DAY, like weekly on monday",
                    ));
                }
                match weekday(word(2)) {
                    Some(day) => (Box::new(move |at| Schedule::Weekly { day, at }), 3),
                    None => {
                        return Err(SpecError::at(
                            col(2),
                            format!(
                                "'{}' is not a day of the week: write monday … sunday or mon … sun",
                                ws.get(2).map_or("", |w| w.1.as_str())
                            ),
                        ))
                    }
                }
            }
            "monthly" => {
                let day = month_day(word(1), word(2), col(1), col(2))?;
                (Box::new(move |at| Schedule::Monthly { day, at }), 3)
            }
            _ => {
                return Err(SpecError::at(
                    ws[0].0,
                    format!("'{}' is not a schedule: {HINT}", ws[0].1),
                ))
            }
        };
        let at = match &ws[used.min(ws.len())..] {
            [] => default_time(),
            [(c, a), (_, t)] if a.eq_ignore_ascii_case("at") => parse_time(t).ok_or_else(|| {
                SpecError::at(
                    *c,
                    format!("'at {t}' is not a time of day: write HH:MM, like 07:00"),
                )
            })?,
            [(_, a), _, (c, w), ..] if a.eq_ignore_ascii_case("at") => {
                return Err(SpecError::at(
                    *c,
                    format!("unexpected '{w}': write the time as HH:MM, 24 hours, like 18:30"),
                ))
            }
            [(c, a)] if a.eq_ignore_ascii_case("at") => {
                return Err(SpecError::at(
                    *c + 2,
                    "'at' needs a time of day: write HH:MM, like 07:00",
                ))
            }
            [(c, w), ..] => {
                return Err(SpecError::at(
                    *c,
                    format!("unexpected '{w}': end a schedule with at HH:MM, like at 07:00"),
                ))
            }
        };
        Ok(kind(at))
    }

    fn at(&self) -> NaiveTime {
        match *self {
            Schedule::Daily { at }
            | Schedule::Weekdays { at }
            | Schedule::Weekly { at, .. }
            | Schedule::Monthly { at, .. } => at,
        }
    }

    /// Whether the schedule runs on `date` (at its time of day).
    fn runs_on(&self, date: NaiveDate) -> bool {
        match *self {
            Schedule::Daily { .. } => true,
            Schedule::Weekdays { .. } => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
            Schedule::Weekly { day, .. } => date.weekday() == day,
            Schedule::Monthly { day, .. } => date.day() == day.min(last_day(date)),
        }
    }

    /// The latest scheduled time t with after < t <= upto (None if there is none).
    /// A server down for a week catches up once: this returns one time, the newest.
    /// Looks at no more than `WINDOW_DAYS` days, however far back `after` lies.
    pub fn latest_due(&self, after: NaiveDateTime, upto: NaiveDateTime) -> Option<NaiveDateTime> {
        if upto <= after {
            return None;
        }
        let at = self.at();
        let mut date = upto.date();
        for _ in 0..=WINDOW_DAYS {
            if date < after.date() {
                return None;
            }
            let t = date.and_time(at);
            if self.runs_on(date) && t <= upto {
                return (t > after).then_some(t);
            }
            date = date.checked_sub_days(Days::new(1))?;
        }
        None
    }

    /// "daily at 07:00", "weekdays at 07:00", "every Monday at 09:30",
    /// "monthly on 15 at 07:00": text `parse` reads back to the same schedule.
    pub fn describe(&self) -> String {
        let at = self.at().format("%H:%M");
        match *self {
            Schedule::Daily { .. } => format!("daily at {at}"),
            Schedule::Weekdays { .. } => format!("weekdays at {at}"),
            Schedule::Weekly { day, .. } => format!("every {} at {at}", day_name(day)),
            Schedule::Monthly { day, .. } => format!("monthly on {day} at {at}"),
        }
    }
}

/// `on N` (N 1..=31, "15th" too), `on` and `N` being the next two words.
fn month_day(on: &str, n: &str, on_col: usize, n_col: usize) -> Result<u32, SpecError> {
    if on != "on" {
        return Err(SpecError::at(
            on_col,
            "write on and a day of the month, like monthly on 15",
        ));
    }
    let digits = n.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &n[digits.len()..];
    match digits.parse::<u32>() {
        Ok(d @ 1..=31) if matches!(suffix, "" | "st" | "nd" | "rd" | "th") => Ok(d),
        _ => Err(SpecError::at(
            n_col,
            format!("'{n}' is not a day of the month: write 1 to 31 (31: the month's last day)"),
        )),
    }
}

/// H:MM or HH:MM, 24 hours.
fn parse_time(t: &str) -> Option<NaiveTime> {
    let (h, m) = t.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(h) || h.len() > 2 || !digits(m) || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

fn weekday(w: &str) -> Option<Weekday> {
    const DAYS: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    DAYS.iter()
        .find(|(name, _)| *name == w || (w.len() == 3 && name.starts_with(w)))
        .map(|(_, d)| *d)
}

fn day_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The last day of `date`'s month (28..=31).
fn last_day(date: NaiveDate) -> u32 {
    let (y, m) = (date.year(), date.month());
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(31, |d| d.day())
}
