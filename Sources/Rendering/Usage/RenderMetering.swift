import Headless
import RenderTypes
import SessionContext
import Synchronization

/// One render call's admission and metering: admitted (once) by the tenant's limits before
/// anything is leased, metered while it runs, settled once when the call ends — successful or not,
/// so a failed render counts the browser time it used, and only once.
final class RenderMetering: Sendable {
    let ledger: UsageLedger
    /// What the renderer records the render's browser time and bytes in.
    let meter = RenderMeter()
    private let ticket = Mutex<UsageLedger.Ticket?>(nil)

    init(ledger: UsageLedger) {
        self.ledger = ledger
    }

    /// Admits the render of `tenant` (in `session`): by this node's count, then, in a cluster, by
    /// every node's (`UsageLedger.admitAcrossNodes`); throws `TenantLimitError` when a limit refuses it.
    func admit(_ tenant: TenantID, session: SessionID? = nil) async throws(TenantLimitError) {
        let admitted = try await ledger.admitAcrossNodes(try ledger.admit(tenant, session: session))
        ticket.withLock { $0 = admitted }
    }

    /// Ends the call: what the render spent (nil when it was never admitted), added to the totals
    /// once; later calls return nil.
    @discardableResult
    func settle() -> UsageFigures? {
        guard let admitted = ticket.withLock({ $0.take() }) else { return nil }
        guard meter.leased else {
            ledger.settle(admitted, spent: nil)
            return UsageFigures()
        }
        let bytes = meter.bytes
        let usage = UsageFigures(
            browserMs: Int((meter.browserTime / .milliseconds(1)).rounded()), bytesIn: bytes.received, bytesOut: bytes.sent,
            renders: 1)
        ledger.settle(admitted, spent: usage)
        return usage
    }
}
