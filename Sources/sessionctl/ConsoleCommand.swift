import ArgumentParser
import Foundation
import SessionConsole
import SessionCore
import JOSE
import TerminalUI

/// `sessionctl console [--db P] [--theme NAME] [--read-only] [--actor NAME]` (also what
/// `sessionctl` with no subcommand runs).
struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the admin console: browse sessions, inspect tokens, revoke, rotate keys (? for help)."
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Colour theme from themes/ (default, dark, light, high-contrast, monochrome).") var theme: String = "default"
    @Flag(help: "Browse only: revoking and key changes are disabled, and the store connection itself is read-only.") var readOnly = false
    @Option(help: "Who: recorded in the audit log (default: your login name).") var actor: String?
    @Option(help: ArgumentHelp("Key overrides, one `action = key` per line (see `?` in the console for actions).", valueName: "FILE")) var keymap: String?
    @Option(
        help: ArgumentHelp(
            "Saved views (:save NAME, :view NAME), one `NAME sort=SORT filter=…` per line (default: $XDG_CONFIG_HOME/sessionctl/views).", valueName: "FILE"))
    var config: String?

    /// `--config`, else `$XDG_CONFIG_HOME/sessionctl/views`, else `~/.config/sessionctl/views`.
    static func viewsPath(_ config: String?, environment: [String: String]) -> String? {
        if let config { return config }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/sessionctl/views" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/sessionctl/views"
    }

    /// `themes/` beside the working directory, else beside the executable's package.
    static func themesFolder() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["SESSIONCTL_THEMES"], !folder.isEmpty { return folder }
        let candidates = [
            "themes",
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("../../../themes").standardized.path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? "themes"
    }

    func run() throws {
        guard isatty(0) != 0, isatty(1) != 0 else {
            throw usageError("the console needs a terminal; use the sessionctl subcommands in scripts")
        }
        let folder = Self.themesFolder()
        let loaded: Theme
        do {
            loaded = try Theme.load(named: theme, from: folder)
        } catch {
            throw usageError("theme: \(error)")
        }
        var bindings = Keymap.defaults
        if let keymap {
            do {
                bindings = try Keymap.parse(try CommandInput.file(keymap, what: "keymap"))
            } catch let error as Keymap.ParseError {
                throw usageError("\(keymap): \(error)")
            }
        }
        let environment = ProcessInfo.processInfo.environment
        let viewsPath = Self.viewsPath(config, environment: environment)
        var savedViews: [SavedView] = []
        if let viewsPath, FileManager.default.fileExists(atPath: viewsPath) {
            do {
                savedViews = try SavedViews.parse(try CommandInput.file(viewsPath, what: "views file"))
            } catch let error as SavedViews.ParseError {
                throw usageError("views file \(viewsPath): \(error)")
            }
        }
        // --read-only, or a file this user may not write: read-only at the connection, so
        // nothing in the console can write by mistake.
        let db = try store.open(readOnly: readOnly || store.isReadOnlyFile, longRunning: true)
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let backend = CursesBackend(colors: !noColor)
        let size = backend.size
        var state = ConsoleState(
            width: size.width, height: size.height, now: SystemClock.now(), readOnly: readOnly || !db.canWrite,
            storeName: storeDisplayName(store.resolvedPath), themeName: theme)
        state.bindings = bindings
        state.savedViews = savedViews
        state.viewsPath = viewsPath
        let runner = EffectRunner(
            store: db, storePath: store.resolvedPath, actor: actor ?? defaultActor(), environment: environment,
            themesFolder: folder, clock: SystemClock.now)
        let app = ConsoleApp(
            state: state, backend: backend, runner: runner, theme: loaded,
            monochrome: noColor, clock: SystemClock.now)
        app.run()
        backend.end()
    }
}
