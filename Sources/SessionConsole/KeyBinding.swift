import Foundation
import TerminalUI

/// What a key does. Bindings are data: the hint bar and the help screen are generated
/// from them, and read-only mode disables the dangerous ones.
public enum ConsoleAction: String, Sendable, CaseIterable {
    case down, up, pageDown, pageUp, top, bottom, mark, open, back, quit
    case filter, command, help, inspect, revoke, revokeUser, rotateKey, retireKey, revokeKey, reveal, sort, incident, revokeMatching
    case chooseColumns, toggleColumn, moveColumnUp, moveColumnDown, openUser, disableUser
}

/// One key bound to one action in some views.
public struct KeyBinding: Sendable {
    public var key: Key
    /// How the key is written in hints: `j`, `↓`, `PgDn`, `space`.
    public var label: String
    public var action: ConsoleAction
    public var description: String
    public var views: Set<ConsoleView>
    /// Changes data: asks for a reason and a confirmation; absent in read-only mode.
    public var dangerous: Bool
    /// Shown in the hint bar (the help screen shows every binding).
    public var hint: Bool

    public init(
        _ key: Key, _ label: String, _ action: ConsoleAction, _ description: String, views: Set<ConsoleView>,
        dangerous: Bool = false, hint: Bool = false
    ) {
        self.key = key
        self.label = label
        self.action = action
        self.description = description
        self.views = views
        self.dangerous = dangerous
        self.hint = hint
    }
}

/// The default keys (DESIGN.md, "The console").
public enum Keymap {
    static let lists: Set<ConsoleView> = [.sessions, .keys, .audit, .detail, .user, .services, .columns, .help]
    static let all = Set(ConsoleView.allCases)

    public static let defaults: [KeyBinding] = [
        KeyBinding(.character("j"), "j/↓", .down, "move down", views: lists),
        KeyBinding(.down, "↓", .down, "move down", views: lists),
        KeyBinding(.character("k"), "k/↑", .up, "move up", views: lists),
        KeyBinding(.up, "↑", .up, "move up", views: lists),
        KeyBinding(.pageDown, "PgDn", .pageDown, "page down", views: lists),
        KeyBinding(.pageUp, "PgUp", .pageUp, "page up", views: lists),
        KeyBinding(.character("g"), "g", .top, "go to the first row", views: lists),
        KeyBinding(.character("G"), "G", .bottom, "go to the last row", views: lists),
        KeyBinding(.character(" "), "space", .mark, "mark or unmark the row", views: [.sessions], hint: true),
        KeyBinding(.enter, "Enter", .open, "open the session", views: [.sessions, .user], hint: true),
        KeyBinding(.character("/"), "/", .filter, "filter: user:al ip:10.0.0.0/8 seen<1h -client:cli (below)", views: [.sessions, .audit], hint: true),
        KeyBinding(
            .character("s"), "s", .sort, "sort by the next column (created, last seen, user, ip, client, user agent, expires, state)", views: [.sessions],
            hint: true),
        KeyBinding(.character(" "), "space", .toggleColumn, "show or hide the column", views: [.columns], hint: true),
        KeyBinding(.character("K"), "K", .moveColumnUp, "move the column left", views: [.columns], hint: true),
        KeyBinding(.character("J"), "J", .moveColumnDown, "move the column right", views: [.columns], hint: true),
        KeyBinding(.character(":"), ":", .command, "command (:sessions :keys :audit :services :theme NAME :q)", views: all, hint: true),
        KeyBinding(.character("?"), "?", .help, "help", views: all, hint: true),
        KeyBinding(.character("i"), "i", .inspect, "inspect a token (of the selected session)", views: [.sessions, .detail], hint: true),
        KeyBinding(.character("d"), "d", .revoke, "revoke the selected or marked sessions", views: [.sessions, .detail], dangerous: true, hint: true),
        KeyBinding(
            .character("D"), "D", .revokeMatching, "revoke every session the filter matches (not just this page), in chunks; Esc stops",
            views: [.sessions], dangerous: true, hint: true),
        KeyBinding(
            .character("U"), "U", .revokeUser, "revoke every session of the selected user (a cutoff)", views: [.sessions, .detail, .user], dangerous: true,
            hint: true),
        KeyBinding(
            .character("u"), "u", .openUser, "the user's whole picture: sessions, logins, audit trail (also :user NAME)", views: [.sessions, .detail],
            hint: true),
        KeyBinding(.character("x"), "x", .disableUser, "disable the user (no new logins) or enable them again", views: [.user], dangerous: true, hint: true),
        KeyBinding(.character("r"), "r", .rotateKey, "rotate: activate the next key", views: [.keys], dangerous: true, hint: true),
        KeyBinding(.character("t"), "t", .retireKey, "retire the selected key", views: [.keys], dangerous: true, hint: true),
        KeyBinding(.character("X"), "X", .revokeKey, "revoke the selected (compromised) key", views: [.keys], dangerous: true, hint: true),
        KeyBinding(
            .character("!"), "!", .incident, "incident: contain the selected user, the open session or the selected key, and watch every verifier apply it",
            views: [.sessions, .detail, .user, .keys], dangerous: true, hint: true),
        KeyBinding(.character("c"), "c", .chooseColumns, "choose the columns: show, hide, reorder (kept by :save)", views: [.sessions], hint: true),
        KeyBinding(.character("R"), "R", .reveal, "reveal or hide the token", views: [.inspector], hint: true),
        KeyBinding(.escape, "Esc", .back, "clear the filter or go back", views: all, hint: true),
        KeyBinding(.character("q"), "q", .quit, "go back; quit from the sessions view", views: all, hint: true),
    ]

    /// The binding for `key` in `view`.
    public static func action(for key: Key, in view: ConsoleView, bindings: [KeyBinding] = defaults) -> KeyBinding? {
        bindings.first { $0.key == key && $0.views.contains(view) }
    }
}

extension Keymap {
    /// Why a keymap file was refused: its line and what is wrong.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "keymap line \(line): \(message)" }
    }

    /// Key names accepted in keymap files: one character, or a named key.
    static func parseKey(_ name: String) -> (Key, String)? {
        let named: [String: Key] = [
            "enter": .enter, "esc": .escape, "escape": .escape, "up": .up, "down": .down, "left": .left,
            "right": .right, "pgup": .pageUp, "pgdn": .pageDown, "home": .home, "end": .end, "tab": .tab,
            "space": .character(" "), "backspace": .backspace, "delete": .delete,
        ]
        if let key = named[name.lowercased()] { return (key, name) }
        if name.count == 1, let c = name.first { return (.character(c), name) }
        if name.lowercased().hasPrefix("c-"), name.count == 3, let c = name.last?.lowercased().first { return (.control(c), "^" + String(c)) }
        if name.lowercased().hasPrefix("f"), let n = Int(name.dropFirst()), (1...12).contains(n) { return (.function(n), "F\(n)") }
        return nil
    }

    /// The defaults with the overrides of a keymap file applied. Each line is
    /// `action = key [key…]` (actions: \(ConsoleAction.allCases.map(\.rawValue).joined(separator: ", "))),
    /// replacing every default key of that action; `#` starts a comment.
    public static func parse(_ text: String) throws(ParseError) -> [KeyBinding] {
        var bindings = defaults
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let action = ConsoleAction(rawValue: parts[0]) else {
                throw ParseError(
                    line: index + 1, message: "expected `action = key`, with an action among \(ConsoleAction.allCases.map(\.rawValue).joined(separator: " "))")
            }
            guard let template = bindings.first(where: { $0.action == action }) else { continue }
            var replacements: [KeyBinding] = []
            for name in parts[1].split(separator: " ").map(String.init) {
                guard let (key, label) = parseKey(name) else { throw ParseError(line: index + 1, message: "unknown key \"\(name)\"") }
                var binding = template
                binding.key = key
                binding.label = label
                replacements.append(binding)
            }
            guard !replacements.isEmpty else { throw ParseError(line: index + 1, message: "no key given for \(action.rawValue)") }
            let position = bindings.firstIndex { $0.action == action } ?? bindings.count
            bindings.removeAll { $0.action == action }
            bindings.insert(contentsOf: replacements, at: min(position, bindings.count))
        }
        return bindings
    }
}
