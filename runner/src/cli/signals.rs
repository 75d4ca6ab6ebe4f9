//! What mirror undoes when SIGINT, SIGTERM or SIGHUP ends it: exiting on a signal skips
//! destructors, so whatever must not be left behind registers a cleanup action here.

use std::sync::Mutex;

/// Exit status after a signal, as shells report SIGINT.
pub const EXIT_SIGNALLED: i32 = 130;

/// A cleanup to run before exiting on a signal.
type Action = Box<dyn Fn() + Send>;

static ACTIONS: Mutex<Vec<Action>> = Mutex::new(Vec::new());

/// Runs `action` if a signal ends mirror, after those registered before it.
pub fn on_signal(action: impl Fn() + Send + 'static) {
    ACTIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(Box::new(action));
}

/// Handles SIGINT, SIGTERM and SIGHUP: runs the registered actions, the first of which
/// removes every scratch directory, and exits with [`EXIT_SIGNALLED`].
pub fn install() {
    on_signal(mirror::sandbox::remove_all_scratch_dirs);
    let _ = ctrlc::set_handler(|| {
        for action in ACTIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).iter() {
            action();
        }
        std::process::exit(EXIT_SIGNALLED);
    });
}
