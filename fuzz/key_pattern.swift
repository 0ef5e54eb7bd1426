/// libFuzzer target: `StorePattern` on a pattern and a name (the input split at its first zero byte)
/// must agree with a dynamic-programming glob match written here, within (n + 1)·(m + 2) steps. Built
/// with StorePattern.swift alone by fuzz/build.sh.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzKeyPattern(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let split = input.firstIndex(of: 0) ?? input.count
    let text = String(decoding: input[..<split], as: UTF8.self), name = Array(input[min(split + 1, input.count)...])
    let pattern = Array(text.utf8)
    var steps = 0
    let matched = StorePattern(text).matches(name, steps: &steps)
    if steps > (name.count + 1) * (pattern.count + 2) { fatalError("\(steps) steps for a name of \(name.count) and a pattern of \(pattern.count)") }
    // reachable[j]: the pattern's first i bytes match the name's first j, for i so far.
    var reachable = [true] + [Bool](repeating: false, count: name.count)
    for p in pattern {
        var next = [Bool](repeating: false, count: name.count + 1)
        for j in 0...name.count {
            if p == UInt8(ascii: "*") {
                next[j] = reachable[j] || (j > 0 && next[j - 1])
            } else if j > 0 {
                next[j] = reachable[j - 1] && (p == UInt8(ascii: "?") || p == name[j - 1])
            }
        }
        reachable = next
    }
    if matched != reachable[name.count] { fatalError("matched \(matched), the reference says \(reachable[name.count])") }
    return 0
}
