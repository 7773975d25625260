import java.lang.reflect.Field;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import sun.misc.Unsafe;
import uk.ac.starlink.ttools.Stilts;
import uk.ac.starlink.vo.Vocabulary;

/**
 * Runs STILTS with the DataLink core predicates read from the vocabulary
 * at http://www.ivoa.net/rdf/datalink/core (desise JSON, read by STILTS'
 * own Vocabulary reader, so through the Java HTTP proxy settings).
 *
 * STILTS up to 3.4.7 checks DataLink semantics against a fixed list,
 * DatalinkValidator.DATALINK_CORE_PREDICATES (the 2014-10-30 terms);
 * that list is replaced by the vocabulary's terms before STILTS runs.
 * Later STILTS versions have no such field: they read the vocabulary
 * themselves, and run unchanged.
 */
public class CoreVocabularyStilts {

    static final String CORE_URL = "http://www.ivoa.net/rdf/datalink/core";

    public static void main(String[] args) throws Exception {
        Class<?> validator = Class.forName(
            "uk.ac.starlink.ttools.taplint.DatalinkValidator", true,
            CoreVocabularyStilts.class.getClassLoader());
        Field predicates = null;
        for (Field field : validator.getDeclaredFields()) {
            if (field.getName().equals("DATALINK_CORE_PREDICATES")) {
                predicates = field;
            }
        }
        if (predicates != null) {
            Collection<String> terms = new ArrayList<String>(
                Vocabulary.readVocabulary(new URL(CORE_URL)).getTerms().keySet());
            Field theUnsafe = Unsafe.class.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Unsafe unsafe = (Unsafe) theUnsafe.get(null);
            unsafe.putObject(unsafe.staticFieldBase(predicates),
                             unsafe.staticFieldOffset(predicates), terms);
            System.err.println("DataLink core predicates from " + CORE_URL
                               + ": " + terms);
        }
        Stilts.main(args);
    }
}
