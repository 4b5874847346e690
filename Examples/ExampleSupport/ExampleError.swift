/// An example's flow did not get what it expected from the page (the message says what).
public struct ExampleError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
