internal import COpenSSL

extension ECCurve {
    /// The order n of the curve's base point, big-endian, `coordinateByteCount` bytes long;
    /// read from OpenSSL's group once per process.
    var order: [UInt8] {
        switch self {
        case .p256: ECGroupOrders.shared.p256
        case .p384: ECGroupOrders.shared.p384
        case .p521: ECGroupOrders.shared.p521
        }
    }
}

/// The three group orders, read once from OpenSSL (`EC_GROUP_get0_order`).
private final class ECGroupOrders: Sendable {
    static let shared = ECGroupOrders()
    let p256: [UInt8]
    let p384: [UInt8]
    let p521: [UInt8]

    private init() {
        p256 = Self.read(.p256)
        p384 = Self.read(.p384)
        p521 = Self.read(.p521)
    }

    private static func read(_ curve: ECCurve) -> [UInt8] {
        let nid = OBJ_txt2nid(curve.groupName)
        guard nid != 0, let group = EC_GROUP_new_by_curve_name(nid) else { fatalError("OpenSSL has no \(curve.rawValue)") }
        defer { EC_GROUP_free(group) }
        guard let order = EC_GROUP_get0_order(group) else { fatalError("OpenSSL gives no order for \(curve.rawValue)") }
        var out = [UInt8](repeating: 0, count: curve.coordinateByteCount)
        let written = out.withUnsafeMutableBufferPointer { BN_bn2binpad(order, $0.baseAddress, Int32($0.count)) }
        precondition(Int(written) == out.count, "the order of \(curve.rawValue) does not fit its coordinate size")
        return out
    }
}
