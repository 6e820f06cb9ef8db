#include "drivers/registry.h"

#ifdef REPLICAD_WITH_POSTGRES
#include "drivers/postgres/postgres_driver.h"
#endif
#ifdef REPLICAD_WITH_MYSQL
#include "drivers/mysql/mysql_driver.h"
#endif
#ifdef REPLICAD_WITH_MONGODB
#include "drivers/mongodb/mongodb_driver.h"
#endif

namespace replicad::drivers {

config::KeySpec WriteModeKey() {
  return {.name = "mode",
          .type = config::ValueType::kEnum,
          .default_value = "upsert",
          .doc =
              "upsert: insert or update by key, delete by key; append: insert every change; "
              "snapshot: replace the target's contents.",
          .choices = {"upsert", "append", "snapshot"}};
}

config::KeySpec CreateTablesKey() {
  return {.name = "create_tables",
          .type = config::ValueType::kBool,
          .default_value = "false",
          .doc = "Create missing target tables from the source's columns and key."};
}

const std::vector<DriverSpec>& Registry() {
  static const std::vector<DriverSpec> drivers = [] {
    std::vector<DriverSpec> list;
#ifdef REPLICAD_WITH_POSTGRES
    list.push_back(postgres::Spec());
#endif
#ifdef REPLICAD_WITH_MYSQL
    list.push_back(mysql::Spec());
#endif
#ifdef REPLICAD_WITH_MONGODB
    list.push_back(mongodb::MongoDbSpec());
    list.push_back(mongodb::CosmosDbSpec());
#endif
    return list;
  }();
  return drivers;
}

const DriverSpec* FindDriver(std::string_view type) {
  for (const DriverSpec& driver : Registry()) {
    if (driver.descriptor.type == type) {
      return &driver;
    }
  }
  return nullptr;
}

}  // namespace replicad::drivers
