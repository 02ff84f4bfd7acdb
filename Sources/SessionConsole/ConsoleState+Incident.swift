import SessionCore
import TerminalUI

/// The services view and incident mode: what the verifier registry says, and the progress
/// of a containment.
extension ConsoleState {
    /// The registry as loaded: the services view's rows and lag history, and the progress
    /// of a containment under way (its outcome audited once, when every verifier applied it).
    mutating func applyVerifiers(_ statuses: [VerifierStatus], now: Double) -> [ConsoleEffect] {
        verifiers = statuses.sorted { ($0.record.service, $0.record.instance) < ($1.record.service, $1.record.instance) }
        serviceCursor = min(serviceCursor, max(0, verifiers.count - 1))
        var lag: [String: Int] = [:]
        for status in statuses where status.liveness == .live {
            lag[status.record.service] = max(lag[status.record.service] ?? 0, Int(status.eventsBehind ?? 0))
        }
        for service in Set(lagHistory.keys).union(lag.keys) {
            var samples = lagHistory[service, default: []]
            samples.append(lag[service] ?? 0)
            if samples.count > Self.lagSamples { samples.removeFirst(samples.count - Self.lagSamples) }
            lagHistory[service] = samples
        }
        guard var progress = containment, let act = incidentAct else { return [] }
        progress.observe(statuses, now: now)
        containment = progress
        guard progress.contained, !incidentRecorded else { return [] }
        incidentRecorded = true
        return [.recordIncidentOutcome(act.incident, progress, reason: incidentReason)]
    }

    /// Leaving the incident panel before containment finished records how far it got.
    mutating func leaveIncident() -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        if let act = incidentAct, let progress = containment, !incidentRecorded {
            incidentRecorded = true
            effects.append(.recordIncidentOutcome(act.incident, progress, reason: incidentReason))
        }
        return effects + goBack()
    }
}
