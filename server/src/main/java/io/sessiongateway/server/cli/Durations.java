package io.sessiongateway.server.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 90s}, {@code 15m}, {@code 12h}, {@code 7d} or ISO-8601 ({@code PT1H}). */
final class Durations implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

    @Override
    public Duration convert(String value) {
        Matcher m = SHORT.matcher(value.trim());
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(value.trim());
            } catch (RuntimeException e) {
                throw new TypeConversionException("not a duration: '" + value + "' (use 90s, 15m, 12h, 7d or PT1H)");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new TypeConversionException("duration must be positive: " + value);
        }
        return d;
    }
}
