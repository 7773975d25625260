<resource schema="amdadb" resdir=".">
  <meta name="title">AMDA data base (CDPP) — EPN-TAP</meta>
  <meta name="description">
    The public data base of AMDA, the Automated Multi-Dataset Analysis tool of
    the CDPP (Centre de Données de la Physique des Plasmas): in-situ space
    plasma, magnetic field and ephemeris data of about fifty missions, from the
    solar wind to the magnetospheres of the planets and the comets.  One
    granule per dataset and day, described from the dataset's SPASE
    NumericalData record; each granule gives access to its data file and, by
    DataLink, to the same data cut to a time interval as CDF, VOTable or ASCII.
  </meta>
  <meta name="creationDate">2025-01-01T00:00:00Z</meta>
  <meta name="creator">
    <meta name="name">CDPP/AMDA team</meta>
  </meta>
  <meta name="subject">space-plasmas</meta>
  <meta name="subject">planetary-magnetospheres</meta>
  <meta name="subject">solar-wind</meta>
  <meta name="subject">solar-system-astronomy</meta>
  <meta name="source">Génot, V. et al. (2021), Automated Multi-Dataset Analysis (AMDA): An on-line database and analysis tool for heliospheric and planetary plasma data, Planet. Space Sci. 201, 105214</meta>
  <meta name="referenceURL">https://amda.irap.omp.eu</meta>
  <meta name="type">Archive</meta>
  <meta name="contentLevel">Research</meta>

  <!-- The granules with their datasets' columns: what the views show. -->
  <macDef name="granuleJoin">SELECT g.granule_uid,
      d.obs_prefix || substr(g.granule_uid, length(g.granule_gid) + 1) AS obs_id,
      g.time_min, g.time_max, g.access_url, g.access_format, g.access_estsize, g.file_name,
      d.datalink_head || g.granule_uid || d.datalink_tail AS datalink_url,
      CASE WHEN g.file_name IS NOT NULL
        THEN d.thumbnail_head || g.granule_uid || d.thumbnail_tail END AS thumbnail_url,
      d.*
    FROM amdadb.granules AS g JOIN amdadb.datasets AS d USING (granule_gid)</macDef>

  <table id="epn_core" onDisk="True" adql="True">
    <meta name="description">
      One row per AMDA dataset and day (EPN-TAP 2.0): the dataset's mission,
      instrument, target and measured quantities, and links to the data.
      A view joining the granules of the public datasets to their datasets.
    </meta>
    <publish sets="local,ivo_managed"/>
    <mixin
      spatial_frame_type="none"
      optional_columns="access_url access_format access_estsize
        thumbnail_url datalink_url external_link publisher
        bib_reference instrument_type time_scale target_region species
        file_name processing_level_desc spatial_coordinate_description"
      >//epntap2#table-2_0</mixin>
    <!-- EPN-TAP requires only granule_uid, granule_gid and obs_id to be
      filled; a dataset whose record tells no processing level is published
      with processing_level empty (the mixin's column, not required). -->
    <column name="processing_level" type="integer" ucd="meta.calibLevel"
      description="Dataset-related encoding, or simplified CODMAC calibration level"
      note="et_cal">
      <property key="std">1</property>
      <values nullLiteral="-1"/>
    </column>
    <viewStatement>
      CREATE VIEW \qName AS (SELECT \colNames FROM (\granuleJoin) AS q WHERE is_public)
    </viewStatement>
  </table>

  <table id="epn_core_restricted" onDisk="True">
    <meta name="description">
      The granules of the datasets whose AccessRights are not Open: not
      published, kept for an access-controlled service.
    </meta>
    <LOOP>
      <codeItems>
        for column in context.getById("epn_core"):
          yield {"name": column.name}
      </codeItems>
      <events>
        <column original="epn_core.\name"/>
      </events>
    </LOOP>
    <viewStatement>
      CREATE VIEW \qName AS (SELECT \colNames FROM (\granuleJoin) AS q WHERE NOT is_public)
    </viewStatement>
  </table>

  <!-- What the views are made of: one row per granule (what changes from day
    to day) and one per dataset (everything else, and the pieces from which
    the views complete obs_id, datalink_url and thumbnail_url). -->
  <table id="granules" onDisk="True" primary="granule_uid">
    <LOOP>
      <codeItems>
        from ingest.amdadb import GRANULE_COLUMNS
        for name in GRANULE_COLUMNS:
          yield {"name": name}
      </codeItems>
      <events>
        <column original="epn_core.\name"/>
      </events>
    </LOOP>
    <!-- a dataset's granules in time order, time_max checked in the index;
      time overlaps, both bounds at once -->
    <index columns="granule_gid, time_min, time_max"/>
    <index columns="time_min, time_max" method="GIST"/>
    <script type="preIndex" lang="SQL" name="GiST operator classes of doubles">
      CREATE EXTENSION IF NOT EXISTS btree_gist
    </script>
  </table>

  <table id="datasets" onDisk="True" primary="granule_gid">
    <LOOP>
      <codeItems>
        from ingest.amdadb import DATASET_COLUMNS, DATASET_EXTRAS
        for name in DATASET_COLUMNS:
          if name not in DATASET_EXTRAS:
            yield {"name": name}
      </codeItems>
      <events>
        <column original="epn_core.\name"/>
      </events>
    </LOOP>
    <column name="is_public" type="boolean" required="True"
      description="True if the dataset's AccessRights are Open."/>
    <column name="obs_prefix" type="text"
      description="obs_id of a granule: this, then _YYYYMMDD of the granule_uid."/>
    <column name="datalink_head" type="text"
      description="datalink_url of a granule: this, the granule_uid, datalink_tail."/>
    <column name="datalink_tail" type="text"/>
    <column name="thumbnail_head" type="text"
      description="thumbnail_url of a granule with a file: this, the granule_uid, thumbnail_tail."/>
    <column name="thumbnail_tail" type="text"/>
    <column name="granule_count" type="integer" required="True"
      description="How many granules the dataset has."/>
    <column name="first_time_min" type="double precision"
      description="time_min of the dataset's first granule (the smallest)."/>
    <column name="last_time_max" type="double precision"
      description="time_max of the dataset's last granule (the largest)."/>
  </table>

  <!-- What the discovery queries of epn_core read instead of its granules
    (instance/discovery.py): the public datasets that have granules. -->
  <table id="public_datasets" onDisk="True" readProfiles="defaults,untrustedquery">
    <LOOP>
      <codeItems>
        for column in context.getById("datasets"):
          yield {"name": column.name}
      </codeItems>
      <events>
        <column original="datasets.\name"/>
      </events>
    </LOOP>
    <viewStatement>
      CREATE VIEW \qName AS (SELECT \colNames FROM amdadb.datasets
        WHERE is_public AND granule_count > 0)
    </viewStatement>
  </table>

  <data id="import">
    <sources item="bundled sample"/>
    <embeddedGrammar>
      <iterator>
        <code>
          from ingest import rdgrammar
          yield from rdgrammar.amdadb_rows(self.grammar.rd.resdir, base.ui.notifyWarning)
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="datasets">
      <rowmaker idmaps="*">
        <ignoreOn><keyIs key="table" value="granules"/></ignoreOn>
      </rowmaker>
    </make>
    <make table="granules">
      <rowmaker idmaps="*">
        <ignoreOn><keyIs key="table" value="datasets"/></ignoreOn>
      </rowmaker>
    </make>
  </data>

  <data id="views">
    <make table="epn_core"/>
    <make table="epn_core_restricted"/>
    <make table="public_datasets"/>
  </data>

  <service id="q" allowed="form">
    <meta name="shortName">AMDA EPN-TAP</meta>
    <meta name="title">AMDA data base: granule search</meta>
    <dbCore queriedTable="epn_core">
      <condDesc buildFrom="target_name"/>
      <condDesc buildFrom="instrument_host_name"/>
      <condDesc buildFrom="dataproduct_type"/>
    </dbCore>
  </service>

  <service id="dl" allowed="dlget,dlmeta">
    <meta name="title">AMDA data base: DataLink and time slices</meta>
    <meta name="shortName">AMDA DataLink</meta>
    <meta name="description">
      The DataLink service of the AMDA granules: for each granule, its CDF/ISTP
      file, its interval on the dataset's HAPI server, the dataset's SPASE page,
      a PNG quick-look of its main parameter, and a service cutting the file to
      a time interval as CDF/ISTP, VOTable or ASCII, for all or some of its
      parameters.
    </meta>
    <meta name="dlget.description">
      Cut the granule's CDF file to a time interval (TIME as two MJD values, or
      START and STOP in ISO 8601) and get it as CDF_ISTP, VOTable or ASCII, for
      all its data parameters or those named by PARAM; FORMAT=image/png gives
      the quick-look.
    </meta>
    <publish render="dlmeta" sets="ivo_managed"/>
    <datalinkCore>
      <descriptorGenerator>
        <setup imports="datalink.dachs"/>
        <code>
          return dachs.make_descriptor(pubDID, rd.schema, rd.resdir)
        </code>
      </descriptorGenerator>
      <metaMaker semantics="#this">
        <setup imports="datalink.dachs"/>
        <code>
          yield from dachs.links(self, descriptor)
        </code>
      </metaMaker>
      <metaMaker semantics="#proc">
        <setup imports="datalink.dachs"/>
        <code>
          yield from dachs.input_keys(self, descriptor)
        </code>
      </metaMaker>
      <dataFunction>
        <setup imports="datalink.dachs"/>
        <code>
          descriptor.data = dachs.response(descriptor, args)
        </code>
      </dataFunction>
    </datalinkCore>
  </service>
</resource>
