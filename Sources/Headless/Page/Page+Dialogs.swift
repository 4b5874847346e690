public import RenderTypes

extension Page {
    /// Answers the dialogs the page opens from now on by `policy` (until then they are dismissed).
    public func answerDialogs(_ policy: DialogPolicy) {
        dialogs.policy = policy
    }

    /// The dialogs the page opened, in order, with their answers; `dropped` counts those beyond the
    /// bound (`RenderLimits.maxReportedDialogs`), answered but not listed.
    public func openedDialogs() -> (entries: [DialogEntry], dropped: Int) {
        dialogs.entries
    }
}
