package io.sessiongateway.adapters.recoup;

import io.sessiongateway.core.service.TitleRule;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Predicate;

/**
 * Recoup's default session titles: a city name none of the account's sessions uses yet; once the tried names are
 * all taken, a city with the smallest free numeric suffix ("Tokyo 2").
 */
final class RecoupTitles {
    static final List<String> CITIES = List.of(
            "Abidjan",
            "Accra",
            "Adelaide",
            "Amsterdam",
            "Anchorage",
            "Athens",
            "Auckland",
            "Austin",
            "Baku",
            "Bangkok",
            "Barcelona",
            "Beirut",
            "Belgrade",
            "Berlin",
            "Bogota",
            "Boston",
            "Brisbane",
            "Bucharest",
            "Budapest",
            "Buenos Aires",
            "Cairo",
            "Cape Town",
            "Caracas",
            "Casablanca",
            "Chicago",
            "Copenhagen",
            "Dakar",
            "Delhi",
            "Denver",
            "Doha",
            "Dublin",
            "Edinburgh",
            "Florence",
            "Geneva",
            "Hanoi",
            "Havana",
            "Helsinki",
            "Honolulu",
            "Istanbul",
            "Jakarta",
            "Kampala",
            "Kyoto",
            "Lagos",
            "Lima",
            "Lisbon",
            "London",
            "Madrid",
            "Manila",
            "Marrakesh",
            "Melbourne",
            "Mexico City",
            "Montreal",
            "Mumbai",
            "Nairobi",
            "Nashville",
            "Oslo",
            "Paris",
            "Prague",
            "Quito",
            "Reykjavik",
            "Riga",
            "Rome",
            "Santiago",
            "Seoul",
            "Stockholm",
            "Sydney",
            "Taipei",
            "Tallinn",
            "Tokyo",
            "Toronto",
            "Valencia",
            "Vienna",
            "Warsaw",
            "Wellington");

    /** The rule as the core applies it: a free city name for the creator's account. */
    static final TitleRule RULE = (agent, takenInAccount) -> pick(takenInAccount);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RANDOM_TRIES = 8;

    private RecoupTitles() {}

    /** A title for which {@code taken} is false. */
    static String pick(Predicate<String> taken) {
        for (int i = 0; i < RANDOM_TRIES; i++) {
            String city = CITIES.get(RANDOM.nextInt(CITIES.size()));
            if (!taken.test(city)) {
                return city;
            }
        }
        String city = CITIES.get(RANDOM.nextInt(CITIES.size()));
        for (int n = 2; ; n++) {
            String candidate = city + " " + n;
            if (!taken.test(candidate)) {
                return candidate;
            }
        }
    }
}
