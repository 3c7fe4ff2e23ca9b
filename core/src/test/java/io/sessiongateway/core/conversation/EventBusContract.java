package io.sessiongateway.core.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessiongateway.core.ids.Ids;
import io.sessiongateway.core.model.Agent;
import io.sessiongateway.core.model.NewAgent;
import io.sessiongateway.core.model.NewSession;
import io.sessiongateway.core.model.Session;
import io.sessiongateway.core.model.SessionStatus;
import io.sessiongateway.core.model.SubjectRef;
import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.JooqSessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Live delivery: history then live in order, resume without loss or repeat, slow subscribers cut without holding up
 * the writer or others. {@link #writer()} and {@link #bus()} may be two instances over one database.
 */
abstract class EventBusContract {
    static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(5);

    /** The store writes go through. */
    protected abstract JooqSessionStore writer();

    /** The bus subscribers use (on another instance where the backend has several). */
    protected abstract EventBus bus();

    Session session() {
        Tenant t = writer().ensureTenant("bus-" + UUID.randomUUID().toString().substring(0, 8));
        Agent a = writer().createAgent(t, new NewAgent("agent", List.of(), false), T0);
        return writer().createSession(
                        Ids.newId(),
                        "s-" + UUID.randomUUID(),
                        a,
                        new SubjectRef("user", "alice", null),
                        null,
                        NewSession.builder().title("t").build(),
                        SessionStatus.CREATED,
                        T0);
    }

    void write(Session s, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(writer().postMessage(
                            s.id(),
                            new NewMessage(Role.SYSTEM, List.of(new Part.Text("m" + i)), null, null),
                            "none",
                            T0)
                    .isPresent());
        }
    }

    static List<Long> take(Subscription sub, int n) throws InterruptedException {
        List<Long> seqs = new ArrayList<>();
        while (seqs.size() < n) {
            Event e = sub.poll(WAIT);
            if (e == null) {
                break;
            }
            seqs.add(e.seq());
        }
        return seqs;
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void historyThenLiveInOrder() throws Exception {
        Session s = session();
        write(s, 3);
        try (Subscription sub = bus().subscribe(s.id(), 1)) {
            assertEquals(range(2, 3), take(sub, 2));
            write(s, 2);
            assertEquals(range(4, 5), take(sub, 2));
            assertEquals(null, sub.poll(Duration.ofMillis(100)));
        }
    }

    @Test
    void aLiveEventArrivesWithinABound() throws Exception {
        Session s = session();
        try (Subscription sub = bus().subscribe(s.id(), 0)) {
            assertEquals(null, sub.poll(Duration.ofMillis(200)));
            long start = System.nanoTime();
            write(s, 1);
            Event e = sub.poll(WAIT);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1L, e.seq());
            assertTrue(millis < 2000, "delivered in " + millis + " ms");
        }
    }

    @Test
    void aSlowSubscriberIsCutAndResumesWithoutLossOrRepeat() throws Exception {
        Session s = session();
        Subscription slow = bus().subscribe(s.id(), 0);
        Subscription fast = bus().subscribe(s.id(), 0);
        List<Long> fastSeen = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                fastSeen.addAll(take(fast, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        // the slow one never reads while 100 events are written: the writer must not wait for it
        long start = System.nanoTime();
        write(s, 100);
        long writeMillis = (System.nanoTime() - start) / 1_000_000;
        reader.join(WAIT.toMillis() * 2);
        assertEquals(range(1, 100), fastSeen, "the fast subscriber saw everything, in order");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (slow.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(slow.isCut(), "cut after " + writeMillis + " ms of writes");
        List<Long> seen = new ArrayList<>();
        Subscription current = slow;
        for (int resumes = 0; seen.size() < 100 && resumes < 50; resumes++) {
            Event e;
            while ((e = current.poll(Duration.ofMillis(50))) != null) {
                seen.add(e.seq());
            }
            if (seen.size() < 100) {
                current.close();
                current = bus().subscribe(s.id(), current.lastSeq());
            }
        }
        current.close();
        fast.close();
        assertEquals(range(1, 100), seen, "resumed: nothing lost, nothing repeated");
        assertFalse(current.isCut());
    }
}
