//! The crate's one error type.
//!
//! Every public function that takes user input returns [`Result`]; nothing panics on input.
//! Each variant names what was wrong and what is allowed, so the message can be shown to the
//! person who wrote the config or sent the data.

/// Errors returned by canary-judge.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A sample has no observations (possibly after NaN values were removed on request).
    #[error("sample `{sample}` is empty{after_removal}: at least one observation is required")]
    EmptySample {
        /// Which sample (for example `x`, `baseline`).
        sample: &'static str,
        /// Empty, or a note that NaN values were removed first.
        after_removal: &'static str,
    },
    /// A sample holds NaN and the NaN policy is to reject it.
    #[error(
        "sample `{sample}` has NaN at index {index}: NaN is rejected by NanPolicy::Reject \
         (the default); use NanPolicy::Remove to drop NaN values"
    )]
    NanInSample {
        /// Which sample.
        sample: &'static str,
        /// Position of the first NaN.
        index: usize,
    },
    /// A sample holds an infinite value where the method needs finite values.
    #[error("sample `{sample}` has {value} at index {index}: {needed_by} needs finite values")]
    InfiniteInSample {
        /// Which sample.
        sample: &'static str,
        /// Position of the first infinite value.
        index: usize,
        /// The offending value (`inf` or `-inf`).
        value: f64,
        /// The computation that cannot use it.
        needed_by: &'static str,
    },
    /// Two inputs that must line up have different lengths.
    #[error("`{left}` has {left_len} entries but `{right}` has {right_len}: they must have the same length")]
    LengthMismatch {
        /// Name of the first input.
        left: &'static str,
        /// Its length.
        left_len: usize,
        /// Name of the second input.
        right: &'static str,
        /// Its length.
        right_len: usize,
    },
    /// A parameter is outside its allowed range.
    #[error("parameter `{name}` = {value} is invalid: {allowed}")]
    InvalidParameter {
        /// Parameter name as it appears in the API.
        name: &'static str,
        /// The value given, as text.
        value: String,
        /// What is allowed.
        allowed: &'static str,
    },
    /// Counts add up to more than the arithmetic can hold.
    #[error("{what} overflows: the total must stay below {limit}")]
    CountOverflow {
        /// What was being added up.
        what: &'static str,
        /// The largest allowed total.
        limit: u64,
    },
    /// An exact computation cannot run for these samples (too slow, too much memory, or
    /// beyond the sizes where its precision was verified).
    #[error(
        "the exact {what} is not available for these samples: {reason}; use \
         Method::Asymptotic, or Method::Auto which picks exact only when it is cheap and accurate"
    )]
    ExactUnavailable {
        /// Which exact computation.
        what: &'static str,
        /// Why it cannot run, with the numbers.
        reason: String,
    },
    /// Every observation has the same value where the statistic is evaluated, so its
    /// standard deviation is zero and it is undefined.
    #[error("cannot compute the {what} when all observations are tied: {reason}")]
    AllObservationsTied {
        /// What could not be computed.
        what: &'static str,
        /// Why the data leave nothing to rank, and what to do instead.
        reason: &'static str,
    },
    /// A configuration value that is allowed on its own cannot work with the rest of the
    /// configuration (for example an alert tier that can never fire under its SLO).
    #[error("configuration field `{field}` = {value} is unusable: {reason}")]
    InvalidConfig {
        /// The field, as a path into the configuration (for example `tiers[0].factor`).
        field: String,
        /// The value given, as text.
        value: String,
        /// Why it cannot work and what is allowed.
        reason: String,
    },
    /// A configuration or input document could not be read: bad syntax, an unknown field, a
    /// missing field, a value of the wrong type or out of range.
    #[error("{what}: `{field}`: {message}")]
    Parse {
        /// What was being read (for example `judge configuration (TOML)`).
        what: &'static str,
        /// Where in the document, as a path (for example `metrics[2].tolerance`); `.` for the
        /// whole document.
        field: String,
        /// What was wrong and what is allowed.
        message: String,
    },
    /// Observations name a metric that the configuration does not define.
    #[error("observations name metric `{name}`, which the configuration does not define (defined: {defined})")]
    UnknownMetric {
        /// The name given.
        name: String,
        /// The names the configuration defines.
        defined: String,
    },
}

/// Shorthand for `Result<T, canary_judge::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An [`Error::InvalidParameter`] for a parameter with a displayable value.
    pub(crate) fn invalid(
        name: &'static str,
        value: impl std::fmt::Display,
        allowed: &'static str,
    ) -> Self {
        Error::InvalidParameter {
            name,
            value: value.to_string(),
            allowed,
        }
    }
}
