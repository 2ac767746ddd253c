//! Remarks on a finding, kept as their parts until a reason is written.
//!
//! A remark only ever appears in a metric's one-line reason, which callers that read only the
//! decisions never ask for (see [`super::Judge::without_reasons`]); keeping the numbers rather
//! than their text leaves the formatting to the reasons that are written.

use std::borrow::Cow;
use std::fmt;

use super::kayenta::Clearance;

/// A remark on a finding: why there is no test, or what decided it.
#[derive(Debug, Clone)]
pub(crate) enum Note {
    /// A remark written out already, or fixed text.
    Text(Cow<'static, str>),
    /// What Kayenta's interval had to clear, and the mean ratio.
    Clearance(Clearance),
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Text(text) => f.write_str(text),
            Note::Clearance(clearance) => clearance.fmt(f),
        }
    }
}

impl From<&'static str> for Note {
    fn from(text: &'static str) -> Self {
        Note::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Note {
    fn from(text: String) -> Self {
        Note::Text(Cow::Owned(text))
    }
}
