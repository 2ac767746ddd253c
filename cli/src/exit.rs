//! Exit codes a pipeline can branch on: the decision, not just success or failure.

use std::process::ExitCode;

use canary_judge::judge::Decision;
use canary_judge::policy::Action;

/// The exit-code table shown in every `--help` (kept in one place so they cannot drift apart).
macro_rules! exit_codes_help {
    () => {
        "Exit codes:\n  \
           0  promote: the canary passed (gate: promote or finished)\n  \
           1  regression: roll back\n  \
           2  inconclusive or no data yet: keep watching, run again later\n  \
           3  usage or input error (nothing was judged; a gate state is left unchanged)\n\n\
         Documentation: docs/cli.md"
    };
}
pub(crate) use exit_codes_help;

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: promote, or a finished rollout.
    Pass = 0,
    /// 1: roll back.
    Regression = 1,
    /// 2: keep watching.
    Inconclusive = 2,
    /// 3: the command could not run.
    Error = 3,
}

impl From<Decision> for Exit {
    fn from(decision: Decision) -> Exit {
        match decision {
            Decision::Promote => Exit::Pass,
            Decision::Rollback => Exit::Regression,
            Decision::Continue => Exit::Inconclusive,
        }
    }
}

impl From<Action> for Exit {
    fn from(action: Action) -> Exit {
        match action {
            Action::Promote | Action::Finished => Exit::Pass,
            Action::Rollback => Exit::Regression,
            Action::Continue => Exit::Inconclusive,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}
