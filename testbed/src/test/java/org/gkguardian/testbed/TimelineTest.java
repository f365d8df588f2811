package org.gkguardian.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimelineTest {

    private static final long FAULT = 10_000_000;

    /** Answers from {@code mac} every 10 ms, sequence numbers counted from {@code firstSequence}. */
    private static List<Probe> answers(String mac, long fromMicros, long toMicros, long firstSequence) {
        List<Probe> probes = new ArrayList<>();
        long sequence = firstSequence;
        for (long t = fromMicros; t <= toMicros; t += 10_000) {
            probes.add(new Probe(t, "arp", sequence++, mac));
        }
        return probes;
    }

    @Test
    void aCleanFailoverHasOneOutageFromTheLastOldAnswerToTheFirstNewOne() {
        List<Probe> probes = new ArrayList<>(answers("aa", 9_000_000, 9_990_000, 0));
        probes.addAll(answers("bb", 10_800_000, 11_500_000, 180));

        Timeline timeline = Timeline.analyze(probes, "arp", FAULT);

        assertEquals(Optional.of("aa"), timeline.oldOwner());
        assertEquals(Optional.of("bb"), timeline.newOwner());
        assertEquals(810.0, timeline.outageMillis(), 0.001);
        assertEquals(800.0, timeline.takeoverMillis(), 0.001);
        assertEquals(0, timeline.doubleAnswers());
    }

    @Test
    void aRequestAnsweredByTwoHostsIsCountedAsADoubleAnswer() {
        List<Probe> probes = new ArrayList<>(answers("aa", 9_000_000, 10_500_000, 0));
        probes.addAll(answers("bb", 10_300_000, 10_500_000, 130));

        Timeline timeline = Timeline.analyze(probes, "arp", FAULT);

        assertEquals(21, timeline.doubleAnswers());
        assertEquals(10_300_000, timeline.firstDoubleMicros());
        assertEquals(10_500_000, timeline.lastDoubleMicros());
    }

    @Test
    void noAnswerAfterTheFaultMeansNoTakeoverAndNoMeasuredOutage() {
        Timeline timeline = Timeline.analyze(answers("aa", 9_000_000, 9_990_000, 0), "arp", FAULT);

        assertTrue(timeline.newOwner().isEmpty());
        assertEquals(-1, timeline.takeoverMillis());
        assertEquals(-1, timeline.outageMillis());
    }

    @Test
    void onlyProbesOfTheRequestedKindCount() {
        List<Probe> probes = new ArrayList<>(answers("aa", 9_000_000, 9_990_000, 0));
        probes.add(new Probe(10_100_000, "sip", 1, "kamailio n2"));

        assertTrue(Timeline.analyze(probes, "arp", FAULT).newOwner().isEmpty());
        assertEquals(Optional.of("kamailio n2"), Timeline.analyze(probes, "sip", FAULT).newOwner());
    }

    @Test
    void sipResponsesAreMatchedToTheirRequestAndServer() {
        String response = "SIP/2.0 200 OK\r\nVia: x\r\nCSeq: 42 OPTIONS\r\nServer: gkg n2\r\n\r\n";
        assertEquals(42, Prober.sipSequence(response));
        assertEquals("gkg n2", Prober.sipServer(response));
        assertEquals(-1, Prober.sipSequence("SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\n\r\n"));
        assertEquals(7, Prober.registeredSequence("SIP/2.0 200 OK\r\nCSeq: 7 REGISTER\r\nServer: gkg n2\r\n\r\n"));
        assertEquals(-1, Prober.registeredSequence("SIP/2.0 403 Forbidden\r\nCSeq: 8 REGISTER\r\n\r\n"));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Report.median(List.of(4.0, 1.0, 2.0, 3.0)), 1e-9);
        assertEquals("1/2/3", Report.triple(List.of(3.0, 1.0, 2.0)));
    }
    @Test
    void afterAHealTheSingleOwnerCountsFromTheLastDoubleAnswer() {
        long heal = 12_000_000;
        List<Probe> probes = new ArrayList<>(answers("bb", 9_000_000, 14_000_000, 0));
        // The cut master comes back still holding the VIP: both answer until 12.3 s.
        probes.addAll(answers("aa", 12_010_000, 12_300_000, 301));

        assertEquals(310.0, Timeline.settleMillis(probes, "arp", heal), 0.001);
        assertEquals(2, Timeline.ownerChanges(probes, "arp", FAULT));
    }

    @Test
    void anOwnerThatAnsweredAloneThroughTheHealHasSettledAtOnce() {
        List<Probe> probes = answers("bb", 9_000_000, 14_000_000, 0);

        assertEquals(0.0, Timeline.settleMillis(probes, "arp", 12_000_000), 0.001);
        assertEquals(0, Timeline.ownerChanges(probes, "arp", FAULT));
    }

    @Test
    void aSilenceAcrossTheHealEndsWithTheFirstAnswerOfTheFinalOwner() {
        List<Probe> probes = new ArrayList<>(answers("aa", 9_000_000, 11_000_000, 0));
        probes.addAll(answers("bb", 12_500_000, 14_000_000, 350));

        assertEquals(500.0, Timeline.settleMillis(probes, "arp", 12_000_000), 0.001);
        assertEquals(-1, Timeline.settleMillis(answers("aa", 9_000_000, 11_000_000, 0), "arp", 12_000_000));
    }

    @Test
    void aSilenceAfterTheHealCountsEvenWhenTheSameOwnerComesBack() {
        // The master lets the VIP go 0.5 s after the heal and takes it again 1.5 s later.
        List<Probe> probes = new ArrayList<>(answers("aa", 9_000_000, 12_500_000, 0));
        probes.addAll(answers("aa", 14_000_000, 15_000_000, 500));

        assertEquals(2000.0, Timeline.settleMillis(probes, "arp", 12_000_000), 0.001);
    }

    @Test
    void aRoleThatGoesBackAndForthCountsEveryChange() {
        List<Probe> probes = new ArrayList<>(answers("aa", 9_000_000, 10_500_000, 0));
        probes.addAll(answers("bb", 10_510_000, 11_000_000, 151));
        probes.addAll(answers("aa", 11_010_000, 12_000_000, 201));

        assertEquals(2, Timeline.ownerChanges(probes, "arp", FAULT));
        assertEquals(Optional.of("bb"), Timeline.analyze(probes, "arp", FAULT).newOwner());
    }

    @Test
    void aVipThatNeverCameBackShowsAsASilenceToTheEndOfTheWindow() {
        List<Probe> probes = answers("aa", 9_000_000, 10_020_000, 0);

        assertEquals(5980.0, Timeline.silenceAtEndMillis(probes, "arp", FAULT, 16_000_000), 0.001);
        assertEquals(6000.0, Timeline.silenceAtEndMillis(answers("aa", 9_000_000, 9_990_000, 0), "arp", FAULT,
                16_000_000), 0.001);
    }

    @Test
    void theReportLeavesOutWhatWasNotMeasured() {
        assertEquals("-", Report.triple(List.of()));
    }
}
