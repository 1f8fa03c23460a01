# repro.cmake - robot_sim_repro: two simulated runs of the robot print the
# same digest, and a run with another seed prints another one (so the digest
# does cover the run).
#
#   cmake -DROBOT=<path to the robot> -P repro.cmake
if(NOT ROBOT)
  message(FATAL_ERROR "pass -DROBOT=<path to the robot executable>")
endif()

function(robot_digest out)
  execute_process(
    COMMAND "${ROBOT}" --sim --duration=20 --quiet --inject-stall=5@7 ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "robot ${ARGN} exited with ${rc}:\n${output}${errors}")
  endif()
  if(NOT output MATCHES "digest: ([0-9a-f]+) over ([0-9]+) events")
    message(FATAL_ERROR "robot ${ARGN}: no digest line:\n${output}")
  endif()
  set(${out} "${CMAKE_MATCH_1}/${CMAKE_MATCH_2}" PARENT_SCOPE)
endfunction()

robot_digest(first)
robot_digest(second)
robot_digest(other --seed=2)
message(STATUS "digests: ${first}, ${second}; seed 2: ${other}")
if(NOT first STREQUAL second)
  message(FATAL_ERROR "two runs with the same options differ: ${first} ${second}")
endif()
if(first STREQUAL other)
  message(FATAL_ERROR "another seed gave the same digest: ${first}")
endif()
