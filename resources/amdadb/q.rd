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

  <table id="epn_core" onDisk="True" adql="True" primary="granule_uid">
    <meta name="description">
      One row per AMDA dataset and day (EPN-TAP 2.0): the dataset's mission,
      instrument, target and measured quantities, and links to the data.
    </meta>
    <publish sets="local,ivo_managed"/>
    <mixin
      spatial_frame_type="none"
      optional_columns="access_url access_format access_estsize
        thumbnail_url datalink_url external_link publisher
        bib_reference instrument_type time_scale target_region species
        file_name processing_level_desc spatial_coordinate_description"
      >//epntap2#table-2_0</mixin>
    <!-- the columns VESPA and TOPCAT constrain -->
    <index columns="granule_gid"/>
    <index columns="target_name"/>
    <index columns="target_class"/>
    <index columns="time_min"/>
    <index columns="time_max"/>
    <index columns="dataproduct_type"/>
    <index columns="instrument_host_name"/>
  </table>

  <data id="import">
    <sources item="bundled sample"/>
    <embeddedGrammar>
      <iterator>
        <code>
          from ingest import rdgrammar
          yield from rdgrammar.rows("amdadb", self.grammar.rd.resdir,
            [c.name for c in self.grammar.rd.getById("epn_core")],
            base.ui.notifyWarning)
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="epn_core">
      <rowmaker idmaps="*"/>
    </make>
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
