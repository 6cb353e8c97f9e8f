//! One module per screen.

pub mod account;
pub mod admin;
pub mod attention;
pub mod cases;
pub mod estate;
pub mod home;
pub mod ledger;
pub mod login;
pub mod not_found;
pub mod patrols;
pub mod sync_health;

use crate::domain::Role;

/// A screen the service worker keeps for offline use, and the roles its guard lets in.
pub type OfflinePage = (&'static str, fn(Role) -> bool);

/// The screens the service worker keeps for `role` so they open offline, even those the
/// person has not opened yet; screens the role may not open are left out (their pages
/// would only be refusals).
pub fn offline_pages(role: Role) -> Vec<&'static str> {
    let home: OfflinePage = (role.home_path(), |_| true);
    std::iter::once(&home)
        .chain(cases::OFFLINE_PAGES.iter())
        .chain(ledger::OFFLINE_PAGES.iter())
        .chain(patrols::OFFLINE_PAGES.iter())
        .filter(|(_, allow)| allow(role))
        .map(|(path, _)| *path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_keeps_its_home_and_only_the_screens_its_guards_let_in() {
        let patrol = offline_pages(Role::Patrol);
        assert_eq!(patrol[0], "/patrol");
        for p in [
            "/patrols",
            "/patrols/run",
            "/ledger/gate",
            "/cases/new",
            "/sync",
        ] {
            assert!(patrol.contains(&p), "patrol keeps {p}");
        }
        for p in ["/ledger", "/patrols/routes", "/cases/visits"] {
            assert!(!patrol.contains(&p), "patrol does not keep {p}");
        }
        let cashier = offline_pages(Role::Cashier);
        assert!(!cashier.iter().any(|p| p.starts_with("/cases/")));
        let resident = offline_pages(Role::Resident);
        assert!(resident.contains(&"/cases/new") && !resident.contains(&"/patrols/run"));
        let desk = offline_pages(Role::FrontDesk);
        assert!(desk.contains(&"/ledger/shift") && desk.contains(&"/cases/visits"));
    }
}
