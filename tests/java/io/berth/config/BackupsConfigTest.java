package io.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code backups.*}: the defaults work, values that cannot are refused naming their key. */
class BackupsConfigTest {

    @Test
    void the_defaults_pass() {
        DataBackups backups = new DataBackups();
        assertThatCode(backups::check).doesNotThrowAnyException();
        assertThat(backups.maxUploadBytes()).isEqualTo(10L << 30);
    }

    @Test
    void a_value_that_cannot_work_names_its_key() {
        DataBackups backups = new DataBackups();
        backups.keep = 0;
        assertThatThrownBy(backups::check).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("backups.keep is 0");
        backups.keep = 7;
        backups.hour = 24;
        assertThatThrownBy(backups::check).hasMessageStartingWith("backups.hour is 24");
        backups.hour = 3;
        backups.schedule = "hourly";
        assertThatThrownBy(backups::check).hasMessageStartingWith("backups.schedule is \"hourly\"; use daily or off");
        backups.schedule = "off";
        backups.maxUpload = "lots";
        assertThatThrownBy(backups::check).hasMessageStartingWith("backups.max_upload is \"lots\"");
        backups.maxUpload = "512m";
        backups.ownerQuota = "-5";
        assertThatThrownBy(backups::check).hasMessageStartingWith("backups.owner_quota is \"-5\"");
        backups.ownerQuota = "50g";
        assertThat(backups.ownerQuotaBytes()).isEqualTo(50L << 30);
        backups.keepDeletedDays = -1;
        assertThatThrownBy(backups::check).hasMessageStartingWith("backups.keep_deleted_days is -1");
    }

    @Test
    void keys_come_from_berth_yaml_and_the_environment() {
        BerthConfig config = new ConfigLoader().load(null, Map.of("BERTH_BACKUPS_KEEP", "3",
                "BERTH_BACKUPS_DIR", "/srv/backups"));
        assertThat(config.backups.keep).isEqualTo(3);
        assertThat(config.backups.dir).isEqualTo("/srv/backups");
    }
}
