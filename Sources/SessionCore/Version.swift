/// The product's version: what `--version` prints and verifiers report. One place.
public enum ProductVersion {
    public static let current = "0.5.0"
}
