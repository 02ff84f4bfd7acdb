import Hummingbird
import SessionCore
import JOSE

/// JSON responses written by the strict core writer.
enum JSONResponse {
    /// `object` as `application/json` with `status` and `headers`.
    static func make(status: HTTPResponse.Status = .ok, _ object: JSONObject, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let bytes = JSONWriter.bytes(object)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
