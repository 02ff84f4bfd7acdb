/// The console's screens.
public enum ConsoleView: String, Sendable, Equatable, CaseIterable {
    case sessions, detail, user, inspector, keys, audit, services, incident, columns, help
}
