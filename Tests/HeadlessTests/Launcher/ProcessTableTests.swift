import Glibc
@testable import Headless
import Testing

@Suite struct ProcessTableTests {
    @Test func statLineWithSpacesAndParenthesesInTheCommandParses() {
        let entry = ProcessTable.parseStat("4242 (Chrome (x) Helper) S 17 4242 4242 0 -1 4194560")
        #expect(entry == ProcessTable.Entry(pid: 4242, parent: 17, group: 4242, state: "S", command: "Chrome (x) Helper"))
    }

    @Test func zombieStateIsRecognised() {
        #expect(ProcessTable.parseStat("7 (chromium) Z 1 7 7")?.isZombie == true)
    }

    @Test func ownProcessIsListedWithRealMemory() {
        let me = getpid()
        #expect(ProcessTable.snapshot().contains { $0.pid == me })
        let memory = ProcessTable.memory(of: [me])
        #expect(memory.processes == 1)
        #expect(memory.rssBytes > 0)
        #expect(memory.pssBytes > 0)
        #expect(memory.privateBytes > 0)
        #expect(memory.privateBytes <= memory.rssBytes, "private pages are part of the resident set")
    }
}
