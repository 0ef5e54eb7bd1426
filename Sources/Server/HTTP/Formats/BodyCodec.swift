import Hummingbird

/// How a request's vectors are encoded, from its Content-Type (parameters such as charset ignored).
enum BodyCodec {
    /// `application/json`; also a body with no Content-Type, or `application/x-www-form-urlencoded`
    /// (what `curl -d` sends), which cannot be a form here.
    case json
    /// `application/x-npy`: one NumPy array, the options in the query string.
    case npy
    /// `application/x-npz`: a NumPy archive of arrays named as the JSON fields, the options in the
    /// query string.
    case npz

    /// The codec `contentType` names; 415 for any other type.
    init(contentType: String?) throws {
        let media = contentType.map(MediaType.init)
        switch media?.type {
        case nil, "application/json", "application/x-www-form-urlencoded": self = .json
        case "application/x-npy": self = .npy
        case "application/x-npz": self = .npz
        case let other?:
            throw Problem(.unsupportedMediaType, "Content-Type '\(other)' is not accepted here: send application/json, application/x-npy or application/x-npz")
        }
    }
}
