package org.gkguardian.testbed;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * A PNG timeline of one run: one lane per responder and protocol, a tick for every answer, red ticks
 * where a request was answered twice, the fault as a vertical line and the outage shaded.
 */
public final class TimelinePlot {

    private static final int WIDTH = 1200;
    private static final int LANE = 34;
    private static final int LEFT = 260;
    private static final int TOP = 60;

    private TimelinePlot() {
    }

    public static void write(Path png, String title, List<Probe> probes, long faultMicros, Map<String, String> names,
            Timeline arp) throws IOException {
        Map<String, Integer> lanes = new LinkedHashMap<>();
        for (Probe probe : probes) {
            lanes.putIfAbsent(probe.kind() + " " + names.getOrDefault(probe.responder(), probe.responder()),
                    lanes.size());
        }
        long start = probes.stream().mapToLong(Probe::atMicros).min().orElse(faultMicros - 1_000_000);
        long end = probes.stream().mapToLong(Probe::atMicros).max().orElse(faultMicros + 1_000_000);
        start = Math.min(start, faultMicros - 500_000);
        end = Math.max(end, faultMicros + 500_000);
        int height = TOP + Math.max(1, lanes.size()) * LANE + 60;

        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format("ARP: outage %.0f ms, new owner after %.0f ms, double answers %d",
                arp.outageMillis(), arp.takeoverMillis(), arp.doubleAnswers()), 10, 42);

        double scale = (WIDTH - LEFT - 20) / (double) (end - start);
        if (arp.outageMillis() > 0) {
            long outageEnd = faultMicros + (long) (arp.takeoverMillis() * 1000);
            g.setColor(new Color(255, 230, 200));
            int x0 = LEFT + (int) ((faultMicros - start) * scale);
            int x1 = LEFT + (int) ((Math.max(outageEnd, faultMicros) - start) * scale);
            g.fillRect(x0, TOP - 5, Math.max(1, x1 - x0), lanes.size() * LANE + 5);
        }

        Map<String, Set<String>> respondersBySequence = new HashMap<>();
        for (Probe probe : probes) {
            respondersBySequence.computeIfAbsent(probe.kind() + probe.sequence(), k -> new HashSet<>())
                    .add(probe.responder());
        }
        List<String> laneNames = new ArrayList<>(lanes.keySet());
        for (int i = 0; i < laneNames.size(); i++) {
            int y = TOP + i * LANE;
            g.setColor(Color.DARK_GRAY);
            g.drawString(laneNames.get(i), 10, y + LANE / 2 + 4);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(LEFT, y + LANE - 2, WIDTH - 20, y + LANE - 2);
        }
        for (Probe probe : probes) {
            int lane = lanes.get(probe.kind() + " " + names.getOrDefault(probe.responder(), probe.responder()));
            int x = LEFT + (int) ((probe.atMicros() - start) * scale);
            boolean twice = respondersBySequence.get(probe.kind() + probe.sequence()).size() > 1;
            g.setColor(twice ? Color.RED : probe.kind().equals("arp") ? new Color(30, 90, 200) : new Color(20, 140, 60));
            int y = TOP + lane * LANE;
            g.drawLine(x, y + 4, x, y + LANE - 8);
        }
        int faultX = LEFT + (int) ((faultMicros - start) * scale);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(2));
        g.drawLine(faultX, TOP - 10, faultX, TOP + lanes.size() * LANE);
        g.drawString("fault", faultX + 4, TOP - 12);

        int axisY = TOP + lanes.size() * LANE + 20;
        g.setStroke(new BasicStroke(1));
        g.drawLine(LEFT, axisY, WIDTH - 20, axisY);
        for (long t = (start - faultMicros) / 1_000_000; t * 1_000_000 + faultMicros <= end; t++) {
            int x = LEFT + (int) ((faultMicros + t * 1_000_000 - start) * scale);
            if (x >= LEFT) {
                g.drawLine(x, axisY - 3, x, axisY + 3);
                g.drawString(t + " s", x - 8, axisY + 18);
            }
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }
}
