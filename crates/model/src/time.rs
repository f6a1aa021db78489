use serde::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Milliseconds since the Unix epoch, UTC. Shown to clients as RFC 3339 with milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
        Timestamp((nanos / 1_000_000) as i64)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// `2026-11-21T22:12:08.123Z`
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1000);
        let ms = self.0.rem_euclid(1000);
        match OffsetDateTime::from_unix_timestamp(secs) {
            Ok(t) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                ms
            ),
            // Out of range for the calendar: fall back to a valid, if odd, rendering.
            Err(_) => OffsetDateTime::UNIX_EPOCH
                .format(&Rfc3339)
                .unwrap_or_default(),
        }
    }
}

impl Timestamp {
    /// Writes `2026-11-21T22:12:08.123Z` into `out` without allocating; `None` for a year
    /// outside 0000-9999 (never for times this server makes).
    fn write_rfc3339(self, out: &mut [u8; 24]) -> Option<&str> {
        let secs = self.0.div_euclid(1000);
        let ms = self.0.rem_euclid(1000) as u32;
        let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400) as u32);
        let (y, m, d) = civil_from_days(days);
        if !(0..=9999).contains(&y) {
            return None;
        }
        let mut put = |at: usize, v: u32, width: usize| {
            let mut v = v;
            for i in (0..width).rev() {
                out[at + i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, y as u32, 4);
        put(5, m, 2);
        put(8, d, 2);
        put(11, sod / 3600, 2);
        put(14, sod / 60 % 60, 2);
        put(17, sod % 60, 2);
        put(20, ms, 3);
        for (at, c) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
        ] {
            out[at] = c;
        }
        out[23] = b'Z';
        std::str::from_utf8(&out[..]).ok()
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day): Howard Hinnant's
/// `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl Serialize for Timestamp {
    /// Every response carries several timestamps; formatting them without `fmt` or an
    /// allocation was ~5% of a feed request's CPU (perf, bench/README.md).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 24];
        match self.write_rfc3339(&mut buf) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_str(&self.to_rfc3339()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_rendering_matches_the_calendar() {
        let mut buf = [0u8; 24];
        // Every day from 1900 to 2200 at odd times, leap days and years included.
        let mut t = -2_208_988_800_000_i64;
        while t < 7_258_118_400_000 {
            let ts = Timestamp(t);
            assert_eq!(ts.write_rfc3339(&mut buf).unwrap(), ts.to_rfc3339(), "{t}");
            t += 86_400_000 + 3_723_457;
        }
        assert_eq!(
            Timestamp(951_782_400_000).write_rfc3339(&mut buf).unwrap(),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(
            Timestamp(-1).write_rfc3339(&mut buf).unwrap(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn renders_rfc3339_with_millis() {
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            Timestamp(1_795_299_128_123).to_rfc3339(),
            "2026-11-21T22:12:08.123Z"
        );
    }
}
