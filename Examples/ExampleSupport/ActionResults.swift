public import RenderTypes

extension DynamicRenderResult {
    /// The value of the action at `index` (an `evaluate`'s JSON value), or nil.
    public func actionValue(_ index: Int) -> JSONValue? {
        actionsExecuted.first { $0.index == index }?.result
    }

    /// The string value of the action at `index`; throws `ExampleError` naming `what` when the
    /// action returned no string.
    public func actionString(_ index: Int, _ what: String) throws -> String {
        guard let text = actionValue(index)?.stringValue else {
            throw ExampleError("\(what): the page gave no text (action \(index) returned \(actionValue(index)?.jsonString() ?? "nothing"))")
        }
        return text
    }
}
