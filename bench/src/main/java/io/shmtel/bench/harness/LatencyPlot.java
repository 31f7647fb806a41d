package io.shmtel.bench.harness;

import static io.shmtel.bench.harness.Report.ns;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** latency.png: latency by percentile, both axes logarithmic, one line per latency row. */
final class LatencyPlot {
    private LatencyPlot() {}

    private static String decade(int d) {
        String[] units = {"ns", "us", "ms", "s"};
        int unit = Math.min(3, Math.max(0, d / 3));
        return (long) Math.pow(10, d - 3 * unit) + " " + units[unit];
    }

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };

    /** Latency by percentile, both axes logarithmic (x: 1 / (1 - p)), one line per row. */
    static void draw(Results results, Path file) throws IOException {
        List<Row> rows = results.rows.stream().filter(Row::present).toList();
        int width = 1200;
        int left = 90;
        int right = 30;
        int top = 60;
        int bottom = 80 + 18 * rows.size();
        int height = 560 + bottom;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        long min = rows.stream().mapToLong(r -> Math.max(1, r.latency().getMinValue())).min().orElse(10);
        long max = rows.stream().mapToLong(r -> r.latency().getMaxValue()).max().orElse(1_000_000);
        double yLow = Math.floor(Math.log10(min));
        double yHigh = Math.ceil(Math.log10(Math.max(max, 10)));
        if (yHigh <= yLow) {
            yHigh = yLow + 1;
        }
        double xHigh = 5; // 99.999 %
        int plotW = width - left - right;
        int plotH = height - top - bottom;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        g.drawString("Latency by percentile: " + results.command + " (" + results.machine.get("cpu") + ", "
                + results.machine.get("cores") + " cores)", left, 35);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int d = (int) yLow; d <= (int) yHigh; d++) {
            int y = top + plotH - (int) Math.round((d - yLow) / (yHigh - yLow) * plotH);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String label = decade(d);
            g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), y + 5);
        }
        String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int d = 0; d <= xHigh; d++) {
            int x = left + (int) Math.round(d / xHigh * plotW);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, top, x, top + plotH);
            g.setColor(Color.DARK_GRAY);
            g.drawString(xLabels[d], x - g.getFontMetrics().stringWidth(xLabels[d]) / 2, top + plotH + 20);
        }
        g.drawString("percentile", left + plotW / 2 - 30, top + plotH + 45);
        g.setColor(Color.BLACK);
        g.drawRect(left, top, plotW, plotH);

        g.setStroke(new BasicStroke(2.2f));
        for (int i = 0; i < rows.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            int px = -1;
            int py = -1;
            for (double[] point : ReportJson.distribution(rows.get(i).latency())) {
                double p = Math.min(point[0], 99.9999);
                double xv = Math.min(xHigh, Math.log10(100 / (100 - p)));
                double yv = Math.log10(Math.max(1, point[1]));
                int x = left + (int) Math.round(xv / xHigh * plotW);
                int y = top + plotH - (int) Math.round((yv - yLow) / (yHigh - yLow) * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        List<String> legend = new ArrayList<>();
        for (Row row : rows) {
            legend.add(row.label() + " (" + row.method() + (row.isPlaced() ? ", placed" : "") + "), p50 "
                    + ns(row.p(50)) + ", p99 " + ns(row.p(99)));
        }
        int boxX = left;
        int boxY = top + plotH + 55;
        for (int i = 0; i < legend.size(); i++) {
            int y = boxY + 18 * (i + 1);
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(boxX + 8, y - 7, 22, 4);
            g.setColor(Color.BLACK);
            g.drawString(legend.get(i), boxX + 38, y - 1);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
