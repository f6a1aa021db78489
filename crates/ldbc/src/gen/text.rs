//! Post and comment text: a few template sentences with their `{slot}`s filled from word lists.
//! Written into a reused buffer, so a row of text costs no allocation. None of the words
//! contains `|` or a line break.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::dist::pick_weighted;
use super::names::KNOWN_PLACES;

/// The longest content a post may have, in characters.
pub(super) const MAX_POST_CHARS: usize = 300;

/// Replaces `out` with a post of one to four sentences; returns its length in characters.
pub(super) fn post(out: &mut String, rng: &mut ChaCha8Rng) -> usize {
    out.clear();
    let sentences = 1 + pick_weighted(rng, &[40, 30, 20, 10]);
    for i in 0..sentences {
        if i > 0 {
            out.push(' ');
        }
        fill(out, pick(rng, POST_SENTENCES), rng);
    }
    truncate_chars(out, MAX_POST_CHARS)
}

/// Replaces `out` with a comment of one or two sentences; returns its length in characters.
pub(super) fn comment(out: &mut String, rng: &mut ChaCha8Rng) -> usize {
    out.clear();
    fill(out, pick(rng, COMMENT_SENTENCES), rng);
    if rng.gen_bool(0.25) {
        out.push(' ');
        fill(out, pick(rng, COMMENT_SENTENCES), rng);
    }
    out.chars().count()
}

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

/// Appends `template` to `out`, each `{slot}` replaced by a random word of its list.
fn fill(out: &mut String, template: &str, rng: &mut ChaCha8Rng) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            debug_assert!(false, "unclosed slot in {template:?}");
            break;
        };
        match &after[..close] {
            "place" => out.push_str(KNOWN_PLACES.choose(rng).map(|p| p.name).unwrap_or_default()),
            "bike" => out.push_str(pick(rng, BIKES)),
            "weather" => out.push_str(pick(rng, WEATHER)),
            "part" => out.push_str(pick(rng, PARTS)),
            "activity" => out.push_str(pick(rng, ACTIVITIES)),
            "road" => out.push_str(pick(rng, ROADS)),
            "km" => out.push_str(itoa::Buffer::new().format(rng.gen_range(1..800) * 100)),
            slot => debug_assert!(false, "unknown slot {slot:?} in {template:?}"),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

/// Cuts `s` to at most `max` characters (and any trailing space); returns its length in characters.
fn truncate_chars(s: &mut String, max: usize) -> usize {
    if let Some((cut, _)) = s.char_indices().nth(max) {
        s.truncate(cut);
    }
    let kept = s.trim_end().len();
    s.truncate(kept);
    s.chars().count()
}

/// Models that riders mention in posts and comments.
const BIKES: &[&str] = &[
    "GS",
    "Africa Twin",
    "Ténéré",
    "890 Adventure",
    "Multistrada",
    "Tiger",
    "Street Glide",
    "Z900",
    "Himalayan",
    "V85 TT",
    "V-Strom",
    "CB500X",
    "Vespa",
    "MT-07",
    "Fireblade",
    "Bonneville",
    "Monster",
    "R nineT",
    "Super Duke",
    "Tuareg",
    "Scout",
    "Sportster",
];

const WEATHER: &[&str] = &[
    "sunny and warm",
    "cold but dry",
    "pouring rain",
    "foggy at the top",
    "windy as hell",
    "perfect weather",
    "a bit of snow on the pass",
    "28 °C in the shade",
];

const PARTS: &[&str] = &[
    "tyres",
    "chain",
    "brake pads",
    "air filter",
    "exhaust",
    "handguards",
    "crash bars",
    "windscreen",
    "seat",
    "heated grips",
    "sprockets",
    "fork seals",
];

const ACTIVITIES: &[&str] = &[
    "a track day",
    "a ride-out",
    "a camping trip",
    "an off-road course",
    "a night ride",
    "a coffee run",
    "a tour of the passes",
    "a rally",
    "a charity ride",
    "a gravel loop",
];

const ROADS: &[&str] = &[
    "twisty and empty",
    "full of gravel",
    "freshly paved",
    "packed with tourists",
    "closed for works",
    "stunning",
    "slippery",
    "one hairpin after another",
];

/// Sentences of a post; [`fill`] replaces their `{slot}`s with words of the lists above.
const POST_SENTENCES: &[&str] = &[
    "Rode to {place} today, {weather}.",
    "Fresh {part} on the {bike}, feels like a new machine.",
    "Anyone up for {activity} this weekend?",
    "{km} km on the {bike} so far and not a single problem.",
    "Coffee stop at {place} ☕",
    "The road up to {place} was {road}.",
    "Finally booked {activity} for next month!",
    "Swapped the {part} myself, saved a fortune.",
    "Best {activity} of the year, hands down.",
    "Looking for tips on {part} for the {bike}.",
    "Lost an hour in the rain near {place}, still smiling.",
    "Group ride from {place} on Sunday, all bikes welcome.",
    "New to riding, just got my {bike}. Any advice?",
    "Grüße from {place}: {weather} and the road was {road}.",
    "Chain cleaned, tyres checked, ready for {place}.",
    "Hairpins all the way to {place}. Café au lait at the top.",
    "Does anyone know a good garage near {place}?",
    "{km} km in one day. My back disagrees with my heart.",
];

/// Comments; one of these, sometimes followed by a second one.
const COMMENT_SENTENCES: &[&str] = &[
    "Nice!",
    "Great shot!",
    "Where was this?",
    "Looks amazing 😍",
    "Count me in.",
    "Which tyres do you run?",
    "Ride safe!",
    "Been there last summer, {road}.",
    "I'd love to join next time.",
    "How many km was that?",
    "That {bike} suits you.",
    "Jealous!",
    "Wave from {place} 👋",
    "Thanks for the tip.",
    "Did the new {part} fix it?",
    "Same here, {weather} all week.",
    "See you at {place}?",
    "👍",
];

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn every_template_fills_without_braces_or_separators() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut out = String::new();
        for template in POST_SENTENCES.iter().chain(COMMENT_SENTENCES) {
            out.clear();
            fill(&mut out, template, &mut rng);
            assert!(!out.is_empty());
            assert!(!out.contains(['{', '}', '|', '\n']), "{out:?}");
        }
    }

    #[test]
    fn posts_stay_within_bounds_and_report_characters_not_bytes() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut out = String::new();
        for _ in 0..2_000 {
            let len = post(&mut out, &mut rng);
            assert!((1..=MAX_POST_CHARS).contains(&len));
            assert_eq!(len, out.chars().count());
        }
        let mut long = "é".repeat(400);
        assert_eq!(truncate_chars(&mut long, 300), 300);
    }
}
