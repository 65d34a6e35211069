//! Each word's label for people, in the reader's language, from the message catalogue.
//!
//! One label per variant, matched exhaustively: a new state does not build until it has words in
//! both languages.

use crate::{
    BulkFileState, BulkKind, BulkLineStatus, CredentialKind, EventState, Lang, LicenceState,
    Operation, Provisioning, Role, SelfTestState, Text, WorkState, say,
};

/// A state's name for a number of things in it: `LicenceState::Terminated.counted(Lang::Fr, 3)`
/// is "Résiliées", its [`label`](Counted::label) (for one) "Résiliée".
pub trait Counted: Copy {
    /// Its name for `count` things in it.
    fn counted(self, lang: Lang, count: i64) -> String;

    /// Its name for one thing in it.
    fn label(self, lang: Lang) -> String {
        self.counted(lang, 1)
    }
}

/// A word's label in a language.
pub trait Label: Copy {
    /// The catalogue text that names it.
    fn text(self) -> Text;

    /// Its label in a language.
    fn label(self, lang: Lang) -> &'static str {
        lang.t(self.text())
    }
}

/// The labels of `words` in a language, joined by commas: "Licence order, Licence deletion".
pub fn listed<W: Label>(words: &[W], lang: Lang) -> String {
    let labels: Vec<_> = words.iter().map(|word| word.label(lang)).collect();
    labels.join(", ")
}

impl Label for Role {
    fn text(self) -> Text {
        match self {
            Role::Admin => Text::Admin,
            Role::Operator => Text::Operator,
            Role::Support => Text::Support,
        }
    }
}

impl Label for CredentialKind {
    /// Who a credential is for.
    fn text(self) -> Text {
        match self {
            CredentialKind::Orange => Text::CredentialKindOrange,
            CredentialKind::Provisioning => Text::CredentialKindProvisioning,
        }
    }
}

impl Label for Operation {
    fn text(self) -> Text {
        match self {
            Operation::CustomerCreation => Text::CustomerCreation,
            Operation::LicenceOrder => Text::LicenceOrder,
            Operation::StateChange => Text::StateChange,
            Operation::Deletion => Text::Deletion,
            Operation::OfferingChange => Text::OfferingChange,
        }
    }
}

impl Label for Provisioning {
    fn text(self) -> Text {
        match self {
            Provisioning::None => Text::ProvisioningNone,
            Provisioning::Manual => Text::ProvisioningManual,
            Provisioning::Webhook => Text::ProvisioningWebhook,
        }
    }
}

impl Counted for LicenceState {
    fn counted(self, lang: Lang, count: i64) -> String {
        match self {
            LicenceState::Pending => say::licence_state_pending(lang, count),
            LicenceState::Active => say::licence_state_active(lang, count),
            LicenceState::Suspended => say::licence_state_suspended(lang, count),
            LicenceState::Terminated => say::licence_state_terminated(lang, count),
        }
    }
}

impl Counted for WorkState {
    fn counted(self, lang: Lang, count: i64) -> String {
        match self {
            WorkState::Acknowledged => say::work_state_acknowledged(lang, count),
            WorkState::InProgress => say::work_state_in_progress(lang, count),
            WorkState::Completed => say::work_state_completed(lang, count),
            WorkState::Failed => say::work_state_failed(lang, count),
            WorkState::Partial => say::work_state_partial(lang, count),
        }
    }
}

impl Counted for EventState {
    fn counted(self, lang: Lang, count: i64) -> String {
        match self {
            EventState::Pending => say::event_state_pending(lang, count),
            EventState::Delivering => say::event_state_delivering(lang, count),
            EventState::Delivered => say::event_state_delivered(lang, count),
            EventState::Failed => say::event_state_failed(lang, count),
            EventState::Cancelled => say::event_state_cancelled(lang, count),
        }
    }
}

impl Label for BulkKind {
    fn text(self) -> Text {
        match self {
            BulkKind::Resources => Text::RealizingResources,
            BulkKind::EndUsers => Text::EndUsers,
        }
    }
}

impl Label for SelfTestState {
    fn text(self) -> Text {
        match self {
            SelfTestState::Running => Text::SelfTestRunning,
            SelfTestState::Passed => Text::SelfTestPassed,
            SelfTestState::Failed => Text::SelfTestFailed,
            SelfTestState::Interrupted => Text::SelfTestInterrupted,
        }
    }
}

impl Label for BulkFileState {
    fn text(self) -> Text {
        match self {
            BulkFileState::Previewed => Text::Preview,
            BulkFileState::Applying => Text::Applying,
            BulkFileState::Applied => Text::BulkFileApplied,
            BulkFileState::Discarded => Text::Discarded,
        }
    }
}

impl Label for BulkLineStatus {
    fn text(self) -> Text {
        match self {
            BulkLineStatus::Ready => Text::Ready,
            BulkLineStatus::Unchanged => Text::NothingToDo,
            BulkLineStatus::Invalid => Text::Problem,
            BulkLineStatus::Applied => Text::BulkLineApplied,
            BulkLineStatus::Refused => Text::Refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_listed_by_their_labels_in_order() {
        let operations = [Operation::LicenceOrder, Operation::Deletion];
        assert_eq!(listed(&operations, Lang::En), "Licence order, Deletion");
        assert_eq!(
            listed(&operations, Lang::Fr),
            "Commande de licences, Suppression"
        );
        assert_eq!(listed::<Operation>(&[], Lang::En), "");
    }
}
